import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Flex, Input, Modal, Space, Table, Tabs, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation } from '../../api/hooks';
import { GrantBatchMutation } from '../../api/operations';
import { PageHeader, useFeedback } from '../../components/common';
import CsvImport from '../../components/CsvImport';
import UserPicker from '../../components/UserPicker';
import { formatMoney, isValidAmount, normalizeAmount, sumMoney } from '../../lib/money';
import { endOfDayUtc, todayIn } from '../../lib/time';
import { useIdempotencyKey } from '../../lib/idempotency';
import { defaultExpiry } from './Grant';

export const DISTRIBUTION_HEADER = 'employee_no,email,amount,expires_at,memo';

interface Row {
  key: number;
  employeeId?: string;
  amount: string;
  memo: string;
}

export interface RowProblem {
  key: number;
  field: 'employeeId' | 'amount';
  problem: 'required' | 'amount' | 'duplicate';
}

/** Validates the table rows before anything is sent. */
export function validateRows(rows: Array<Omit<Row, 'memo'>>): RowProblem[] {
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (!r.employeeId) problems.push({ key: r.key, field: 'employeeId', problem: 'required' });
    else if (seen.has(r.employeeId)) problems.push({ key: r.key, field: 'employeeId', problem: 'duplicate' });
    else seen.set(r.employeeId, r.key);
    if (!isValidAmount(r.amount)) problems.push({ key: r.key, field: 'amount', problem: r.amount ? 'amount' : 'required' });
  }
  return problems;
}

function TableEntry() {
  const { t } = useI18n();
  const { timezone } = useSession();
  const fb = useFeedback();
  const idem = useIdempotencyKey();
  const batch = useMutation(GrantBatchMutation);
  const [rows, setRows] = useState<Row[]>([{ key: 1, amount: '', memo: '' }]);
  const [nextKey, setNextKey] = useState(2);
  const [expiry, setExpiry] = useState<Dayjs>(defaultExpiry(timezone));
  const [memo, setMemo] = useState('');
  const [problems, setProblems] = useState<RowProblem[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const update = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const validAmounts = rows.filter((r) => isValidAmount(r.amount)).map((r) => normalizeAmount(r.amount));
  const total = sumMoney(validAmounts);
  const problemFor = (key: number, field: RowProblem['field']) => problems.find((p) => p.key === key && p.field === field);
  const problemText = (p?: RowProblem) =>
    !p ? undefined : p.problem === 'duplicate' ? t('batch.duplicate') : p.problem === 'amount' ? t('validation.amount') : t('validation.required');

  const review = () => {
    const ps = validateRows(rows);
    setProblems(ps);
    if (rows.length === 0) return fb.error(new Error(t('batch.noRows')));
    if (ps.length === 0) setConfirming(true);
  };

  const submit = async () => {
    const input = {
      items: rows.map((r) => ({ employeeId: r.employeeId!, amount: normalizeAmount(r.amount), memo: r.memo.trim() || null })),
      expiresAt: endOfDayUtc(expiry, timezone),
      memo: memo.trim() || null,
    };
    try {
      const r = await batch.run({ input: { ...input, idempotencyKey: idem.key(input) } });
      idem.done();
      setDone(t('batch.done', { batchId: r.grantBatch.batchId, count: r.grantBatch.count, total: formatMoney(r.grantBatch.total) }));
      setConfirming(false);
      setRows([{ key: nextKey, amount: '', memo: '' }]);
      setNextKey((k) => k + 1);
      setProblems([]);
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      {done && <Alert type="success" showIcon message={done} closable onClose={() => setDone(null)} style={{ marginBottom: 16 }} />}
      <Flex gap={16} wrap style={{ marginBottom: 16 }}>
        <label>
          <Typography.Text type="secondary">{t('batch.defaultExpiry')}</Typography.Text>
          <br />
          <DatePicker value={expiry} onChange={(d) => d && setExpiry(d)} allowClear={false} disabledDate={(d) => d.isBefore(todayIn(timezone), 'day')} aria-label={t('batch.defaultExpiry')} />
        </label>
        <label style={{ flex: 1, minWidth: 220 }}>
          <Typography.Text type="secondary">{t('common.memo')}</Typography.Text>
          <Input value={memo} onChange={(e) => setMemo(e.target.value)} maxLength={200} aria-label={t('common.memo')} />
        </label>
      </Flex>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        scroll={{ x: 640 }}
        columns={[
          {
            title: t('grant.employee'),
            width: '45%',
            render: (_, r) => {
              const p = problemFor(r.key, 'employeeId');
              return (
                <div>
                  <UserPicker value={r.employeeId} onChange={(v) => update(r.key, { employeeId: v as string })} />
                  {p && <Typography.Text type="danger" style={{ fontSize: 12 }}>{problemText(p)}</Typography.Text>}
                </div>
              );
            },
          },
          {
            title: t('common.amount'),
            width: 160,
            render: (_, r) => {
              const p = problemFor(r.key, 'amount');
              return (
                <div>
                  <Input prefix="¥" inputMode="decimal" value={r.amount} status={p ? 'error' : undefined} onChange={(e) => update(r.key, { amount: e.target.value.trim() })} aria-label={t('common.amount')} />
                  {p && <Typography.Text type="danger" style={{ fontSize: 12 }}>{problemText(p)}</Typography.Text>}
                </div>
              );
            },
          },
          { title: t('common.memo'), render: (_, r) => <Input value={r.memo} onChange={(e) => update(r.key, { memo: e.target.value })} aria-label={t('common.memo')} /> },
          {
            title: '',
            width: 56,
            render: (_, r) => (
              <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('batch.removeRow')} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} />
            ),
          },
        ]}
      />
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginTop: 16 }}>
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            setRows((rs) => [...rs, { key: nextKey, amount: '', memo: '' }]);
            setNextKey((k) => k + 1);
          }}
        >
          {t('batch.addRow')}
        </Button>
        <Space>
          <Typography.Text strong>{t('batch.rowsTotal', { count: rows.length, total: formatMoney(total) })}</Typography.Text>
          <Button type="primary" onClick={review} disabled={rows.length === 0}>
            {t('batch.submit')}
          </Button>
        </Space>
      </Flex>
      <Modal
        open={confirming}
        title={t('grant.confirmTitle')}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={batch.loading}
        onOk={submit}
        onCancel={() => setConfirming(false)}
      >
        <Typography.Paragraph>{t('batch.confirmText', { total: formatMoney(total), count: rows.length })}</Typography.Paragraph>
        {batch.loading && <Typography.Text type="secondary">{t('common.processing')}</Typography.Text>}
      </Modal>
    </>
  );
}

export default function BatchGrant() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('batch.title')} crumbs={[{ label: t('nav.distribution') }, { label: t('nav.batchGrant') }]} />
      <Card>
        <Tabs
          items={[
            { key: 'csv', label: t('batch.fromCsv'), children: <CsvImport kind="distributions" header={DISTRIBUTION_HEADER} /> },
            { key: 'table', label: t('batch.fromTable'), children: <TableEntry /> },
          ]}
        />
      </Card>
    </>
  );
}
