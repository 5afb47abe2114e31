import { useState } from 'react';
import { Button, Card, Modal, Segmented, Statistic, Table, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { CashoutsQuery, MarkCashoutPaidMutation } from '../../api/operations';
import { DateTime, Money, PageHeader, Rate, StatusTag, useFeedback, useTableLocale } from '../../components/common';
import { formatMoney, sumMoney } from '../../lib/money';
import type { CashoutsQuery as CQ, CashoutStatus } from '../../gql/graphql';
import { useIdempotencyKey } from '../../lib/idempotency';

type Cashout = CQ['cashouts'][number];

export default function Payouts() {
  const { t } = useI18n();
  const { can } = useSession();
  const [status, setStatus] = useState<CashoutStatus | 'ALL'>('APPROVED');
  const q = useQuery(CashoutsQuery, { status: status === 'ALL' ? null : status, first: 200 });
  const idem = useIdempotencyKey();
  const mark = useMutation(MarkCashoutPaidMutation);
  const fb = useFeedback();
  const [paying, setPaying] = useState<Cashout | null>(null);
  const locale = useTableLocale(q.error, q.refetch);
  const rows = q.data?.cashouts ?? [];
  const unpaid = sumMoney(rows.filter((r) => r.status === 'APPROVED').map((r) => r.cash));

  const doMark = async () => {
    if (!paying) return;
    try {
      await mark.run({ id: paying.id, idempotencyKey: idem.key({ paid: paying.id }) });
      idem.done();
      fb.success(t('payouts.paid'));
      setPaying(null);
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <PageHeader title={t('payouts.title')} crumbs={[{ label: t('nav.finance') }, { label: t('nav.payouts') }]} />
      <Card>
        <Segmented
          style={{ marginBottom: 16 }}
          value={status}
          onChange={(v) => setStatus(v as CashoutStatus | 'ALL')}
          options={[
            { value: 'APPROVED', label: t('cashoutStatus.APPROVED') },
            { value: 'PAID', label: t('cashoutStatus.PAID') },
            { value: 'REVIEW', label: t('cashoutStatus.REVIEW') },
            { value: 'REJECTED', label: t('cashoutStatus.REJECTED') },
            { value: 'ALL', label: t('common.all') },
          ]}
        />
        {(status === 'APPROVED' || status === 'ALL') && rows.length > 0 && <Statistic title={t('payouts.totalUnpaid')} value={formatMoney(unpaid)} style={{ marginBottom: 16 }} />}
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 860 }}
          columns={[
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
            { title: t('payouts.employee'), render: (_, r) => `${r.employee.name}${r.employee.employeeNo ? ` · ${r.employee.employeeNo}` : ''}` },
            { title: t('payouts.credit'), dataIndex: 'credit', align: 'right', render: (v) => <Money value={v} /> },
            { title: t('payouts.rate'), dataIndex: 'rate', align: 'right', render: (v) => <Rate value={v} /> },
            { title: t('payouts.cash'), dataIndex: 'cash', align: 'right', render: (v) => <Money value={v} strong /> },
            { title: t('common.status'), dataIndex: 'status', render: (v) => <StatusTag prefix="cashoutStatus" value={v} /> },
            { title: t('payouts.paidAt'), dataIndex: 'paidAt', render: (v) => <DateTime value={v} /> },
            {
              title: t('common.actions'),
              render: (_, r) =>
                can('payouts.manage') && r.status === 'APPROVED' ? (
                  <Button size="small" type="primary" onClick={() => setPaying(r)}>
                    {t('payouts.markPaid')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      <Modal open={!!paying} title={t('payouts.markPaid')} okText={t('common.confirm')} cancelText={t('common.cancel')} confirmLoading={mark.loading} onOk={doMark} onCancel={() => setPaying(null)}>
        {paying && <Typography.Paragraph>{t('payouts.markPaidConfirm', { cash: formatMoney(paying.cash), name: paying.employee.name })}</Typography.Paragraph>}
      </Modal>
    </>
  );
}
