import { useState } from 'react';
import { Button, Card, Col, Form, Input, Modal, Row, Statistic, Table, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useCursorPages, useMutation, useQuery } from '../../api/hooks';
import { EntriesQuery, FundMutation, TenantBalancesQuery } from '../../api/operations';
import { Actor, CursorPager, DateTime, Money, PageHeader, StatusTag, useFeedback, useTableLocale } from '../../components/common';
import { amountRules } from '../../lib/validation';
import { formatMoney, normalizeAmount } from '../../lib/money';
import { useIdempotencyKey } from '../../lib/idempotency';
import { PAGE_SIZE } from '../../config';

export default function Funding() {
  const { t } = useI18n();
  const balances = useQuery(TenantBalancesQuery);
  const pages = useCursorPages(PAGE_SIZE, 'fund');
  const q = useQuery(EntriesQuery, { first: pages.first, after: pages.after, filter: { template: 'FUND' } });
  const fund = useMutation(FundMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [form] = Form.useForm();
  const [pending, setPending] = useState<{ amount: string; reference: string } | null>(null);
  const locale = useTableLocale(q.error, q.refetch);
  const conn = q.data?.entries;

  const submit = async () => {
    if (!pending) return;
    try {
      await fund.run({ input: { ...pending, idempotencyKey: idem.key(pending) } });
      idem.done();
      fb.success(t('funding.done', { amount: formatMoney(pending.amount) }));
      setPending(null);
      form.resetFields();
      void q.refetch();
      void balances.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <PageHeader title={t('funding.title')} crumbs={[{ label: t('nav.finance') }, { label: t('nav.funding') }]} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9}>
          <Card style={{ marginBottom: 16 }}>
            <Statistic title={t('dashboard.funding')} value={balances.data ? formatMoney(balances.data.tenant.balances.funding) : '—'} loading={balances.loading} />
          </Card>
          <Card title={t('funding.record')}>
            <Form form={form} layout="vertical" onFinish={(v) => setPending({ amount: normalizeAmount(v.amount), reference: v.reference.trim() })}>
              <Form.Item name="amount" label={t('common.amount')} rules={amountRules(t)}>
                <Input prefix="¥" inputMode="decimal" />
              </Form.Item>
              <Form.Item name="reference" label={t('funding.reference')} extra={t('funding.referenceHint')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
                <Input maxLength={120} />
              </Form.Item>
              <Button type="primary" htmlType="submit">{t('funding.record')}</Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={15}>
          <Card title={t('funding.history')}>
            <Table
              rowKey="id"
              loading={q.loading}
              locale={locale}
              dataSource={conn?.edges.map((e) => e.node) ?? []}
              pagination={false}
              scroll={{ x: 560 }}
              columns={[
                { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
                { title: t('common.amount'), dataIndex: 'amount', align: 'right', render: (v) => <Money value={v} /> },
                { title: t('funding.reference'), dataIndex: 'memo', render: (v) => v || '—' },
                { title: t('recon.createdBy'), dataIndex: 'createdBy', render: (v) => <Actor value={v} /> },
                { title: t('common.status'), dataIndex: 'status', render: (v) => <StatusTag prefix="entryStatus" value={v} /> },
              ]}
            />
            <CursorPager page={pages.page} totalCount={conn?.totalCount} hasNext={!!conn?.pageInfo.hasNextPage} loading={q.loading} onPrev={pages.prev} onNext={() => pages.next(conn?.pageInfo.endCursor)} />
          </Card>
        </Col>
      </Row>
      <Modal open={!!pending} title={t('funding.record')} okText={t('common.confirm')} cancelText={t('common.cancel')} confirmLoading={fund.loading} onOk={submit} onCancel={() => setPending(null)}>
        {pending && <Typography.Paragraph>{t('funding.confirm', { amount: formatMoney(pending.amount), reference: pending.reference })}</Typography.Paragraph>}
      </Modal>
    </>
  );
}
