import { Table } from 'antd';
import { useI18n } from '../i18n';
import { DateTime, Money, StatusTag, useTableLocale } from './common';

export interface EntryRow {
  id: string;
  template: string;
  status: string;
  memo?: string | null;
  amount: string;
  createdAt: string;
  createdBy?: string | null;
}

/** Wallet history: entries seen from the wallet, with signs from the wallet's point of view. */
export default function EntryTable({ rows, loading, error, onRetry, walletView }: { rows: EntryRow[]; loading: boolean; error?: unknown; onRetry?: () => void; walletView?: boolean }) {
  const { t, te } = useI18n();
  const locale = useTableLocale(error, onRetry);
  const outgoing = new Set(['TOPUP_HOLD', 'EXPIRE', 'RECLAIM', 'CASHOUT']);
  return (
    <Table
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={rows}
      locale={locale}
      pagination={false}
      scroll={{ x: 560 }}
      columns={[
        { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
        { title: t('recon.template'), dataIndex: 'template', render: (v) => te('template', v) },
        {
          title: t('common.amount'),
          dataIndex: 'amount',
          align: 'right',
          render: (v: string, r) => {
            const neg = walletView && outgoing.has(r.template) && !v.startsWith('-');
            return <Money value={neg ? `-${v}` : v} type={walletView && !neg && !v.startsWith('-') ? 'success' : undefined} />;
          },
        },
        { title: t('common.status'), dataIndex: 'status', render: (v) => <StatusTag prefix="entryStatus" value={v} /> },
        { title: t('common.memo'), dataIndex: 'memo', render: (v) => v || '—', responsive: ['md'] },
      ]}
    />
  );
}
