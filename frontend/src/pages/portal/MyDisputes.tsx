import { useState } from 'react';
import { Button, Card, Empty, Input, List, Modal, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useMutation, useQuery } from '../../api/hooks';
import { DisputesQuery, MyTopupsQuery, OpenDisputeMutation } from '../../api/operations';
import { DataState, DateTime, Money, PageHeader, StatusTag, useFeedback } from '../../components/common';
import type { MyTopupsQuery as MQ } from '../../gql/graphql';

type Topup = MQ['myTopups'][number];

export default function MyDisputes() {
  const { t, te } = useI18n();
  const topups = useQuery(MyTopupsQuery, { first: 50 });
  const disputes = useQuery(DisputesQuery, {});
  const open = useMutation(OpenDisputeMutation);
  const fb = useFeedback();
  const [current, setCurrent] = useState<Topup | null>(null);
  const [reason, setReason] = useState('');
  const disputed = new Set((disputes.data?.disputes ?? []).map((d) => d.topup.id));

  const submit = async () => {
    if (!current || !reason.trim()) return;
    try {
      await open.run({ topupId: current.id, reason: reason.trim() });
      fb.success(t('myDisputes.opened'));
      setCurrent(null);
      setReason('');
      void disputes.refetch();
    } catch (e) {
      fb.error(e);
    }
  };
  const empty = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} />;

  return (
    <>
      <PageHeader title={t('myDisputes.title')} />
      <Card title={t('myDisputes.mine')} size="small" style={{ marginBottom: 16 }}>
        <DataState loading={disputes.loading} error={disputes.error} onRetry={disputes.refetch}>
          <List
            dataSource={disputes.data?.disputes ?? []}
            locale={{ emptyText: empty }}
            renderItem={(d) => (
              <List.Item extra={<StatusTag prefix="disputeStatus" value={d.status} />}>
                <List.Item.Meta
                  title={<>{d.topup.phone} · <Money value={d.topup.amount} /></>}
                  description={<>{d.reason}{d.resolution && <><br />{t('disputes.resolution')}：{d.resolution}</>}<br /><DateTime value={d.createdAt} /></>}
                />
              </List.Item>
            )}
          />
        </DataState>
      </Card>
      <Card title={t('portal.recentTopups')} size="small">
        <DataState loading={topups.loading} error={topups.error} onRetry={topups.refetch}>
          <List
            dataSource={topups.data?.myTopups ?? []}
            locale={{ emptyText: empty }}
            renderItem={(tp) => (
              <List.Item
                actions={
                  tp.status === 'SUCCEEDED' && !disputed.has(tp.id)
                    ? [<Button key="d" size="small" onClick={() => setCurrent(tp)}>{t('myDisputes.open')}</Button>]
                    : []
                }
              >
                <List.Item.Meta
                  title={<>{tp.phone} <Tag>{te('operator', tp.operator)}</Tag> <Money value={tp.amount} /></>}
                  description={<><DateTime value={tp.createdAt} /> <StatusTag prefix="topupStatus" value={tp.status} /></>}
                />
              </List.Item>
            )}
          />
        </DataState>
      </Card>
      <Modal
        open={!!current}
        title={t('myDisputes.openTitle')}
        okText={t('common.submit')}
        okButtonProps={{ disabled: !reason.trim() }}
        cancelText={t('common.cancel')}
        confirmLoading={open.loading}
        onOk={submit}
        onCancel={() => setCurrent(null)}
      >
        {current && <Typography.Paragraph>{current.phone} · {te('operator', current.operator)} · <Money value={current.amount} /></Typography.Paragraph>}
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('myDisputes.reasonPlaceholder')} aria-label={t('common.reason')} maxLength={500} />
      </Modal>
    </>
  );
}
