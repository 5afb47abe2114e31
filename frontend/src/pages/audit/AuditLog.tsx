import { useState } from 'react';
import { Card, DatePicker, Flex, Input, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useCursorPages, useQuery } from '../../api/hooks';
import { AuditLogQuery } from '../../api/operations';
import { Actor, CursorPager, DateTime, PageHeader, useTableLocale } from '../../components/common';
import VerifyPanel from '../../components/VerifyPanel';
import { endOfDayUtc, startOfDayUtc } from '../../lib/time';
import { PAGE_SIZE } from '../../config';

function prettyJson(s: string | null | undefined): string {
  if (!s) return '—';
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}

export default function AuditLog() {
  const { t } = useI18n();
  const { can, timezone } = useSession();
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const filter = { action: action || null, actor: actor || null, from: range ? startOfDayUtc(range[0], timezone) : null, to: range ? endOfDayUtc(range[1], timezone) : null };
  const pages = useCursorPages(PAGE_SIZE, JSON.stringify(filter));
  const q = useQuery(AuditLogQuery, { first: pages.first, after: pages.after, filter });
  const conn = q.data?.auditLog;
  const locale = useTableLocale(q.error, q.refetch);
  return (
    <>
      <PageHeader title={t('audit.title')} crumbs={[{ label: t('nav.audit') }, { label: t('nav.auditLog') }]} />
      {can('ledger.verify') && (
        <Card style={{ marginBottom: 16 }}>
          <VerifyPanel />
        </Card>
      )}
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('audit.actionFilter')} aria-label={t('audit.action')} onSearch={(v) => setAction(v.trim())} style={{ width: 280 }} />
          <Input.Search allowClear placeholder={t('audit.actorFilter')} aria-label={t('audit.actor')} onSearch={(v) => setActor(v.trim())} style={{ width: 240 }} />
          <DatePicker.RangePicker value={range} onChange={(v) => setRange(v && v[0] && v[1] ? [v[0], v[1]] : null)} aria-label={t('common.dateRange')} />
        </Flex>
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={conn?.edges.map((e) => e.node) ?? []}
          pagination={false}
          scroll={{ x: 1000 }}
          expandable={{
            expandedRowRender: (e) => (
              <>
                <Typography.Text type="secondary">{t('audit.hash')}：</Typography.Text>
                <Typography.Text className="mono" copyable>{e.hash}</Typography.Text>
                <pre className="voucher-content" style={{ marginTop: 8 }}>{prettyJson(e.details)}</pre>
              </>
            ),
          }}
          columns={[
            { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
            { title: t('audit.at'), dataIndex: 'at', render: (v) => <DateTime value={v} /> },
            { title: t('audit.actor'), dataIndex: 'actor', ellipsis: true, render: (v) => <Actor value={v} /> },
            { title: t('audit.action'), dataIndex: 'action', render: (v) => <Typography.Text code className="nowrap">{v}</Typography.Text> },
            { title: t('audit.target'), dataIndex: 'target', render: (v) => v || '—', ellipsis: true },
            { title: t('audit.outcome'), dataIndex: 'outcome', render: (v: string) => <Tag color={v === 'ok' ? 'green' : 'red'}>{v}</Tag> },
            { title: t('audit.ip'), dataIndex: 'ip', render: (v) => v || '—' },
          ]}
        />
        <CursorPager page={pages.page} totalCount={conn?.totalCount} hasNext={!!conn?.pageInfo.hasNextPage} loading={q.loading} onPrev={pages.prev} onNext={() => pages.next(conn?.pageInfo.endCursor)} />
      </Card>
    </>
  );
}
