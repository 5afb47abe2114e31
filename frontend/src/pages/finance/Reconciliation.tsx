import { useState } from 'react';
import { Button, Card, DatePicker, Flex, Input, Modal, Select, Table, Tabs, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useCursorPages, useMutation, useQuery } from '../../api/hooks';
import { AccountsQuery, EntriesQuery, ReconciliationQuery, ReverseEntryMutation } from '../../api/operations';
import { Actor, CursorPager, DateTime, Money, PageHeader, StatusTag, useFeedback, useTableLocale } from '../../components/common';
import VerifyPanel from '../../components/VerifyPanel';
import { endOfDayUtc, startOfDayUtc } from '../../lib/time';
import { useIdempotencyKey } from '../../lib/idempotency';
import { PAGE_SIZE } from '../../config';
import type { AccountKind, EntriesQuery as EQ, EntryStatus, Template } from '../../gql/graphql';

type Entry = EQ['entries']['edges'][number]['node'];
const KINDS: AccountKind[] = ['FUNDING', 'POOL', 'WALLET', 'PAYOUT', 'FEES', 'EXTERNAL'];
const TEMPLATES: Template[] = ['FUND', 'PURCHASE', 'GRANT', 'TOPUP_HOLD', 'EXPIRE', 'RECLAIM', 'RECYCLE_HOLD', 'CASHOUT', 'PAYOUT', 'REVERSAL'];

function Accounts() {
  const { t, te } = useI18n();
  const [kind, setKind] = useState<AccountKind | undefined>();
  const pages = useCursorPages(PAGE_SIZE, kind ?? '');
  const q = useQuery(AccountsQuery, { first: pages.first, after: pages.after, kind: kind ?? null });
  const conn = q.data?.accounts;
  const locale = useTableLocale(q.error, q.refetch);
  return (
    <>
      <Select allowClear placeholder={t('recon.kind')} aria-label={t('recon.kind')} value={kind} onChange={setKind} style={{ width: 180, marginBottom: 16 }} options={KINDS.map((k) => ({ value: k, label: te('accountKind', k) }))} />
      <Table
        rowKey="id"
        loading={q.loading}
        locale={locale}
        dataSource={conn?.edges.map((e) => e.node) ?? []}
        pagination={false}
        scroll={{ x: 860 }}
        columns={[
          { title: t('recon.account'), dataIndex: 'name' },
          { title: t('recon.kind'), dataIndex: 'kind', render: (v) => te('accountKind', v) },
          { title: t('recon.asset'), dataIndex: 'asset', render: (v) => te('recon.asset', v) },
          { title: t('recon.posted'), dataIndex: 'posted', align: 'right', render: (v) => <Money value={v} /> },
          { title: t('recon.pendingOut'), dataIndex: 'pendingOut', align: 'right', render: (v) => <Money value={v} /> },
          { title: t('recon.pendingIn'), dataIndex: 'pendingIn', align: 'right', render: (v) => <Money value={v} /> },
          { title: t('recon.available'), dataIndex: 'available', align: 'right', render: (v) => <Money value={v} strong /> },
        ]}
      />
      <CursorPager page={pages.page} totalCount={conn?.totalCount} hasNext={!!conn?.pageInfo.hasNextPage} loading={q.loading} onPrev={pages.prev} onNext={() => pages.next(conn?.pageInfo.endCursor)} />
    </>
  );
}

function Entries() {
  const { t, te } = useI18n();
  const { can, timezone } = useSession();
  const [template, setTemplate] = useState<Template | undefined>();
  const [status, setStatus] = useState<EntryStatus | undefined>();
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const filter = {
    template: template ?? null,
    status: status ?? null,
    from: range ? startOfDayUtc(range[0], timezone) : null,
    to: range ? endOfDayUtc(range[1], timezone) : null,
  };
  const pages = useCursorPages(PAGE_SIZE, JSON.stringify(filter));
  const q = useQuery(EntriesQuery, { first: pages.first, after: pages.after, filter });
  const conn = q.data?.entries;
  const locale = useTableLocale(q.error, q.refetch);
  const reverse = useMutation(ReverseEntryMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [reversing, setReversing] = useState<Entry | null>(null);
  const [reason, setReason] = useState('');

  const doReverse = async () => {
    if (!reversing || !reason.trim()) return;
    try {
      await reverse.run({ id: reversing.id, reason: reason.trim(), idempotencyKey: idem.key({ reverse: reversing.id }) });
      idem.done();
      fb.success(t('recon.reversed'));
      setReversing(null);
      setReason('');
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder={t('recon.template')} aria-label={t('recon.template')} value={template} onChange={setTemplate} style={{ width: 180 }} options={TEMPLATES.map((x) => ({ value: x, label: te('template', x) }))} />
        <Select allowClear placeholder={t('common.status')} aria-label={t('common.status')} value={status} onChange={setStatus} style={{ width: 140 }} options={(['PENDING', 'POSTED', 'VOIDED'] as const).map((x) => ({ value: x, label: te('entryStatus', x) }))} />
        <DatePicker.RangePicker value={range} onChange={(v) => setRange(v && v[0] && v[1] ? [v[0], v[1]] : null)} aria-label={t('common.dateRange')} />
      </Flex>
      <Table
        rowKey="id"
        loading={q.loading}
        locale={locale}
        dataSource={conn?.edges.map((e) => e.node) ?? []}
        pagination={false}
        scroll={{ x: 960 }}
        expandable={{
          expandedRowRender: (e) => (
            <>
              <Table
                size="small"
                rowKey={(_, i) => String(i)}
                pagination={false}
                dataSource={e.postings}
                title={() => t('recon.postings')}
                columns={[
                  { title: t('recon.account'), render: (_, p) => p.accountName },
                  { title: t('recon.kind'), render: (_, p) => te('accountKind', p.accountKind) },
                  { title: t('recon.asset'), dataIndex: 'asset', render: (v) => te('recon.asset', v) },
                  { title: t('common.amount'), dataIndex: 'amount', align: 'right', render: (v) => <Money value={v} /> },
                ]}
              />
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {t('recon.idempotencyKey')}：<Typography.Text code>{e.idempotencyKey}</Typography.Text>
                {e.batchId && <> · {t('recon.batch')}：<Typography.Text code>{e.batchId}</Typography.Text></>}
                {e.reversesId && <> · {t('template.REVERSAL')} → <Typography.Text code>{e.reversesId}</Typography.Text></>}
              </Typography.Paragraph>
            </>
          ),
        }}
        columns={[
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
          { title: t('recon.template'), dataIndex: 'template', render: (v) => <span className="nowrap">{te('template', v)}</span> },
          { title: t('common.amount'), dataIndex: 'amount', align: 'right', render: (v) => <Money value={v} /> },
          { title: t('common.status'), dataIndex: 'status', render: (v, r) => (<>{<StatusTag prefix="entryStatus" value={v} />}{r.reversedById && <StatusTag prefix="template" value="REVERSAL" />}</>) },
          { title: t('common.memo'), dataIndex: 'memo', render: (v) => v || '—' },
          { title: t('recon.createdBy'), dataIndex: 'createdBy', render: (v) => <Actor value={v} /> },
          {
            title: t('common.actions'),
            render: (_, r) =>
              can('entries.reverse') && r.status === 'POSTED' && !r.reversedById && r.template !== 'REVERSAL' ? (
                <Button size="small" onClick={() => setReversing(r)}>{t('recon.reverse')}</Button>
              ) : null,
          },
        ]}
      />
      <CursorPager page={pages.page} totalCount={conn?.totalCount} hasNext={!!conn?.pageInfo.hasNextPage} loading={q.loading} onPrev={pages.prev} onNext={() => pages.next(conn?.pageInfo.endCursor)} />
      <Modal
        open={!!reversing}
        title={t('recon.reverseTitle')}
        okText={t('recon.reverse')}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        cancelText={t('common.cancel')}
        confirmLoading={reverse.loading}
        onOk={doReverse}
        onCancel={() => setReversing(null)}
      >
        <Typography.Paragraph>{t('recon.reverseText')}</Typography.Paragraph>
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('common.reason')} aria-label={t('common.reason')} maxLength={500} />
      </Modal>
    </>
  );
}

function CarrierMismatches() {
  const { t } = useI18n();
  const q = useQuery(ReconciliationQuery);
  const locale = useTableLocale(q.error, q.refetch);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('recon.carrierIntro')}</Typography.Paragraph>
      <Table
        rowKey="topupId"
        size="small"
        loading={q.loading}
        locale={locale}
        dataSource={q.data?.reconciliation ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('recon.topupId'), dataIndex: 'topupId', render: (v) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('recon.ledgerState'), dataIndex: 'ledger' },
          { title: t('recon.carrierState'), dataIndex: 'carrier' },
        ]}
      />
    </>
  );
}

export default function Reconciliation() {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <>
      <PageHeader title={t('recon.title')} crumbs={[{ label: t('nav.finance') }, { label: t('nav.reconciliation') }]} />
      {can('ledger.verify') && (
        <Card style={{ marginBottom: 16 }}>
          <VerifyPanel />
        </Card>
      )}
      <Card>
        <Tabs
          items={[
            ...(can('entries.read') ? [{ key: 'entries', label: t('recon.entries'), children: <Entries /> }] : []),
            ...(can('accounts.read') ? [{ key: 'accounts', label: t('recon.accounts'), children: <Accounts /> }] : []),
            ...(can('entries.read') ? [{ key: 'carrier', label: t('recon.carrier'), children: <CarrierMismatches /> }] : []),
          ]}
        />
      </Card>
    </>
  );
}
