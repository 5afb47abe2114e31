import { useState } from 'react';
import { Button, Card, Input, Modal, Space, Table, Tag } from 'antd';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { ApproveReviewMutation, RejectReviewMutation, ReviewQueueQuery } from '../../api/operations';
import { DateTime, Money, PageHeader, useFeedback, useTableLocale } from '../../components/common';
import type { ReviewQueueQuery as RQ } from '../../gql/graphql';

type Item = RQ['reviewQueue'][number];

export default function Reviews() {
  const { t, te } = useI18n();
  const { can } = useSession();
  const q = useQuery(ReviewQueueQuery);
  const approve = useMutation(ApproveReviewMutation);
  const reject = useMutation(RejectReviewMutation);
  const fb = useFeedback();
  const [rejecting, setRejecting] = useState<Item | null>(null);
  const [reason, setReason] = useState('');
  const [busyId, setBusyId] = useState<string | null>(null);
  const locale = useTableLocale(q.error, q.refetch);

  const subject = (i: Item) => {
    if (i.topup) return <>{i.topup.user.name} · {i.topup.phone} · {te('operator', i.topup.operator)} · <Money value={i.topup.amount} /></>;
    if (i.recycle) return <>{t('recycle.faceValue')} <Money value={i.recycle.faceValue} /> → <Money value={i.recycle.net} /></>;
    if (i.cashout) return <>{i.cashout.user.name} · <Money value={i.cashout.credit} /> → <Money value={i.cashout.cash} /></>;
    return '—';
  };

  return (
    <>
      <PageHeader title={t('reviews.title')} crumbs={[{ label: t('nav.finance') }, { label: t('nav.reviews') }]} />
      <Card>
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={q.data?.reviewQueue ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 860 }}
          columns={[
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
            { title: t('reviews.kind'), dataIndex: 'kind', render: (v: string) => <Tag>{te('reviews.kind', v.toLowerCase())}</Tag> },
            { title: t('reviews.subject'), render: (_, i) => subject(i) },
            { title: t('common.reason'), dataIndex: 'reason' },
            {
              title: t('common.actions'),
              render: (_, i) =>
                can('reviews.decide') && (
                  <Space>
                    <Button
                      size="small"
                      type="primary"
                      loading={busyId === i.id}
                      onClick={async () => {
                        setBusyId(i.id);
                        try {
                          await approve.run({ id: i.id });
                          fb.success(t('reviews.approved'));
                          void q.refetch();
                        } catch (e) {
                          fb.error(e);
                        } finally {
                          setBusyId(null);
                        }
                      }}
                    >
                      {t('common.approve')}
                    </Button>
                    <Button size="small" danger onClick={() => setRejecting(i)}>{t('common.reject')}</Button>
                  </Space>
                ),
            },
          ]}
        />
      </Card>
      <Modal
        open={!!rejecting}
        title={t('reviews.rejectTitle')}
        okText={t('common.reject')}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        cancelText={t('common.cancel')}
        confirmLoading={reject.loading}
        onCancel={() => setRejecting(null)}
        onOk={async () => {
          if (!rejecting) return;
          try {
            await reject.run({ id: rejecting.id, reason: reason.trim() });
            fb.success(t('reviews.rejected'));
            setRejecting(null);
            setReason('');
            void q.refetch();
          } catch (e) {
            fb.error(e);
          }
        }}
      >
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('common.reason')} aria-label={t('common.reason')} maxLength={500} />
      </Modal>
    </>
  );
}
