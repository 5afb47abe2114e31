import { useState } from 'react';
import { Badge, Button, Card, Input, Modal, Space, Table, Tabs, Tag } from 'antd';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import {
  ApproveCashoutMutation, ApproveRecycleMutation, ApproveTopupMutation, CashoutsQuery, RecyclesQuery, RejectCashoutMutation,
  RejectRecycleMutation, RejectTopupMutation, ReviewQueueQuery,
} from '../../api/operations';
import { DateTime, Money, PageHeader, Rate, useFeedback, useTableLocale } from '../../components/common';

type Kind = 'topup' | 'recycle' | 'cashout';

/**
 * Everything waiting for a finance decision: top-ups held by velocity/screening rules,
 * recycles and cash-outs above the review thresholds.
 */
export default function Reviews() {
  const { t, te } = useI18n();
  const { can } = useSession();
  const topups = useQuery(ReviewQueueQuery);
  const recycles = useQuery(RecyclesQuery, { status: 'REVIEW', first: 200 });
  const cashouts = useQuery(CashoutsQuery, { status: 'REVIEW', first: 200 });
  const approveTopup = useMutation(ApproveTopupMutation);
  const rejectTopup = useMutation(RejectTopupMutation);
  const approveRecycle = useMutation(ApproveRecycleMutation);
  const rejectRecycle = useMutation(RejectRecycleMutation);
  const approveCashout = useMutation(ApproveCashoutMutation);
  const rejectCashout = useMutation(RejectCashoutMutation);
  const fb = useFeedback();
  const [rejecting, setRejecting] = useState<{ kind: Kind; id: string } | null>(null);
  const [reason, setReason] = useState('');
  const [busyId, setBusyId] = useState<string | null>(null);
  const decide = can('reviews.decide');
  const topupLocale = useTableLocale(topups.error, topups.refetch);
  const recycleLocale = useTableLocale(recycles.error, recycles.refetch);
  const cashoutLocale = useTableLocale(cashouts.error, cashouts.refetch);

  const refetch = (k: Kind) => void (k === 'topup' ? topups.refetch() : k === 'recycle' ? recycles.refetch() : cashouts.refetch());
  const approve = async (kind: Kind, id: string) => {
    setBusyId(id);
    try {
      if (kind === 'topup') await approveTopup.run({ id });
      else if (kind === 'recycle') await approveRecycle.run({ id });
      else await approveCashout.run({ id });
      fb.success(t('reviews.approved'));
      refetch(kind);
    } catch (e) {
      fb.error(e);
    } finally {
      setBusyId(null);
    }
  };
  const reject = async () => {
    if (!rejecting || !reason.trim()) return;
    const { kind, id } = rejecting;
    try {
      if (kind === 'topup') await rejectTopup.run({ id, reason: reason.trim() });
      else if (kind === 'recycle') await rejectRecycle.run({ id, reason: reason.trim() });
      else await rejectCashout.run({ id, reason: reason.trim() });
      fb.success(t('reviews.rejected'));
      setRejecting(null);
      setReason('');
      refetch(kind);
    } catch (e) {
      fb.error(e);
    }
  };
  const actions = (kind: Kind, id: string) =>
    decide ? (
      <Space>
        <Button size="small" type="primary" loading={busyId === id} onClick={() => approve(kind, id)}>
          {t('common.approve')}
        </Button>
        <Button size="small" danger onClick={() => setRejecting({ kind, id })}>
          {t('common.reject')}
        </Button>
      </Space>
    ) : null;
  const label = (k: Kind, n?: number) => (
    <Space size={6}>
      {t(`reviews.kind.${k}`)}
      <Badge count={n ?? 0} showZero={false} color="#fa8c16" />
    </Space>
  );

  return (
    <>
      <PageHeader title={t('reviews.title')} crumbs={[{ label: t('nav.finance') }, { label: t('nav.reviews') }]} />
      <Card>
        <Tabs
          items={[
            {
              key: 'topup',
              label: label('topup', topups.data?.reviewQueue.length),
              children: (
                <Table
                  rowKey="id"
                  loading={topups.loading}
                  locale={topupLocale}
                  dataSource={topups.data?.reviewQueue ?? []}
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  scroll={{ x: 860 }}
                  columns={[
                    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
                    { title: t('disputes.employee'), render: (_, r) => `${r.user.name}${r.user.employeeNo ? ` · ${r.user.employeeNo}` : ''}` },
                    { title: t('topup.phone'), render: (_, r) => <>{r.phone} <Tag>{te('operator', r.operator)}</Tag></> },
                    { title: t('common.amount'), dataIndex: 'amount', align: 'right', render: (v) => <Money value={v} /> },
                    { title: t('common.reason'), dataIndex: 'reviewReason', render: (v) => v || '—' },
                    { title: t('common.actions'), render: (_, r) => actions('topup', r.id) },
                  ]}
                />
              ),
            },
            {
              key: 'recycle',
              label: label('recycle', recycles.data?.recycles.length),
              children: (
                <Table
                  rowKey="id"
                  loading={recycles.loading}
                  locale={recycleLocale}
                  dataSource={recycles.data?.recycles ?? []}
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  scroll={{ x: 860 }}
                  columns={[
                    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
                    { title: t('recycle.faceValue'), dataIndex: 'faceValue', align: 'right', render: (v) => <Money value={v} /> },
                    { title: t('recycle.rate'), dataIndex: 'rate', align: 'right', render: (v) => <Rate value={v} /> },
                    { title: t('recycle.fee'), dataIndex: 'fee', align: 'right', render: (v) => <Money value={v} /> },
                    { title: t('recycle.net'), dataIndex: 'net', align: 'right', render: (v) => <Money value={v} strong /> },
                    { title: t('purchase.requestedBy'), dataIndex: 'requestedBy' },
                    { title: t('common.actions'), render: (_, r) => actions('recycle', r.id) },
                  ]}
                />
              ),
            },
            {
              key: 'cashout',
              label: label('cashout', cashouts.data?.cashouts.length),
              children: (
                <Table
                  rowKey="id"
                  loading={cashouts.loading}
                  locale={cashoutLocale}
                  dataSource={cashouts.data?.cashouts ?? []}
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  scroll={{ x: 860 }}
                  columns={[
                    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
                    { title: t('payouts.employee'), render: (_, r) => `${r.employee.name}${r.employee.employeeNo ? ` · ${r.employee.employeeNo}` : ''}` },
                    { title: t('payouts.credit'), dataIndex: 'credit', align: 'right', render: (v) => <Money value={v} /> },
                    { title: t('payouts.rate'), dataIndex: 'rate', align: 'right', render: (v) => <Rate value={v} /> },
                    { title: t('payouts.cash'), dataIndex: 'cash', align: 'right', render: (v) => <Money value={v} strong /> },
                    { title: t('common.actions'), render: (_, r) => actions('cashout', r.id) },
                  ]}
                />
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
        confirmLoading={rejectTopup.loading || rejectRecycle.loading || rejectCashout.loading}
        onCancel={() => setRejecting(null)}
        onOk={reject}
      >
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('common.reason')} aria-label={t('common.reason')} maxLength={500} />
      </Modal>
    </>
  );
}
