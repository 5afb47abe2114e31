import { useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Form, Input, Modal, Row, Space, Statistic, Table, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { ApproveRecycleMutation, CancelRecycleMutation, ConfirmRecycleMutation, QuoteRecycleMutation, RecyclesQuery, RejectRecycleMutation, TenantBalancesQuery } from '../../api/operations';
import { DateTime, Money, PageHeader, Rate, StatusTag, useFeedback, useTableLocale } from '../../components/common';
import VoucherModal from '../../components/VoucherModal';
import { amountRules } from '../../lib/validation';
import { formatMoney, normalizeAmount } from '../../lib/money';
import { formatDateTime } from '../../lib/time';
import { useIdempotencyKey } from '../../lib/idempotency';
import type { QuoteRecycleMutation as QuoteData } from '../../gql/graphql';

type Quote = QuoteData['quoteRecycle'];

export default function Recycles() {
  const { t } = useI18n();
  const { can, timezone } = useSession();
  const q = useQuery(RecyclesQuery, { first: 200 });
  const approve = useMutation(ApproveRecycleMutation);
  const reject = useMutation(RejectRecycleMutation);
  const cancel = useMutation(CancelRecycleMutation);
  const [deciding, setDeciding] = useState<{ id: string; action: 'reject' | 'cancel' } | null>(null);
  const [reason, setReason] = useState('');
  const balances = useQuery(TenantBalancesQuery);
  const quote = useMutation(QuoteRecycleMutation);
  const confirm = useMutation(ConfirmRecycleMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [current, setCurrent] = useState<Quote | null>(null);
  const [voucher, setVoucher] = useState<string | null>(null);
  const [lookup, setLookup] = useState('');
  const [form] = Form.useForm();
  const locale = useTableLocale(q.error, q.refetch);
  const expired = current ? new Date(current.expiresAt).getTime() < Date.now() : false;

  const getQuote = async (v: { faceValue: string }) => {
    try {
      const r = await quote.run({ faceValue: normalizeAmount(v.faceValue) });
      setCurrent(r.quoteRecycle);
    } catch (e) {
      fb.error(e);
    }
  };
  const doConfirm = async () => {
    if (!current) return;
    try {
      const r = await confirm.run({ quoteId: current.id, idempotencyKey: idem.key({ quote: current.id }) });
      idem.done();
      fb.success(t('recycle.confirmed', { face: formatMoney(current.faceValue), time: formatDateTime(r.confirmRecycle.settleAfter, timezone) }));
      setCurrent(null);
      form.resetFields();
      void q.refetch();
      void balances.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <PageHeader title={t('recycle.title')} crumbs={[{ label: t('nav.purchasing') }, { label: t('nav.recycles') }]} />
      {can('recycles.manage') && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={24} lg={10}>
            <Card title={t('recycle.quote')}>
              <Statistic title={t('recycle.poolAvailable')} value={balances.data ? formatMoney(balances.data.tenant.balances.pool) : '—'} loading={balances.loading} style={{ marginBottom: 16 }} />
              <Form form={form} layout="vertical" onFinish={getQuote} onValuesChange={() => setCurrent(null)}>
                <Form.Item name="faceValue" label={t('recycle.faceValue')} rules={amountRules(t)}>
                  <Input prefix="¥" inputMode="decimal" />
                </Form.Item>
                <Button htmlType="submit" loading={quote.loading}>
                  {t('recycle.quote')}
                </Button>
              </Form>
            </Card>
          </Col>
          <Col xs={24} lg={14}>
            <Card title={t('recycle.confirm')}>
              <Typography.Paragraph type="secondary">{t('recycle.disclosure')}</Typography.Paragraph>
              {current ? (
                <>
                  <Descriptions bordered size="small" column={1}>
                    <Descriptions.Item label={t('recycle.faceValue')}><Money value={current.faceValue} /></Descriptions.Item>
                    <Descriptions.Item label={t('recycle.rate')}><Rate value={current.rate} /></Descriptions.Item>
                    <Descriptions.Item label={t('recycle.gross')}><Money value={current.gross} /></Descriptions.Item>
                    <Descriptions.Item label={t('recycle.fee')}><Money value={`-${current.fee}`} /></Descriptions.Item>
                    <Descriptions.Item label={t('recycle.net')}><Money value={current.net} strong /></Descriptions.Item>
                    <Descriptions.Item label={t('recycle.settleAfter')}>{t('recycle.settlementDelay', { days: current.settlementDelayDays })}</Descriptions.Item>
                  </Descriptions>
                  {expired ? (
                    <Alert type="warning" showIcon message={t('recycle.quoteExpired')} style={{ marginTop: 12 }} />
                  ) : (
                    <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('recycle.quoteExpires', { time: formatDateTime(current.expiresAt, timezone) })}</Typography.Paragraph>
                  )}
                  <Button type="primary" onClick={doConfirm} loading={confirm.loading} disabled={expired} style={{ marginTop: 8 }}>
                    {t('recycle.confirm')}
                  </Button>
                </>
              ) : (
                <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
              )}
            </Card>
          </Col>
        </Row>
      )}
      <Card
        title={t('recycle.list')}
        extra={
          <Space.Compact>
            <Input placeholder={t('voucher.number')} value={lookup} onChange={(e) => setLookup(e.target.value)} aria-label={t('voucher.lookup')} style={{ width: 180 }} />
            <Button onClick={() => lookup.trim() && setVoucher(lookup.trim())}>{t('voucher.lookup')}</Button>
          </Space.Compact>
        }
      >
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={q.data?.recycles ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 1100 }}
          columns={[
            { title: t('recycle.faceValue'), dataIndex: 'faceValue', align: 'right', render: (v) => <Money value={v} /> },
            { title: t('recycle.rate'), dataIndex: 'rate', align: 'right', render: (v) => <Rate value={v} /> },
            { title: t('recycle.fee'), dataIndex: 'fee', align: 'right', render: (v) => <Money value={v} /> },
            { title: t('recycle.net'), dataIndex: 'net', align: 'right', render: (v) => <Money value={v} strong /> },
            { title: t('common.status'), dataIndex: 'status', render: (v) => <StatusTag prefix="recycleStatus" value={v} /> },
            { title: t('recycle.settleAfter'), dataIndex: 'settleAfter', render: (v) => <DateTime value={v} /> },
            { title: t('recycle.settledAt'), dataIndex: 'settledAt', render: (v) => <DateTime value={v} /> },
            { title: t('recycle.voucher'), render: (_, r) => (r.voucher ? <Button type="link" size="small" onClick={() => setVoucher(r.voucher!.number)}>{r.voucher.number}</Button> : '—') },
            {
              title: t('common.actions'),
              render: (_, r) => (
                <Space>
                  {r.status === 'REVIEW' && can('reviews.decide') && (
                    <>
                      <Button
                        size="small"
                        type="primary"
                        loading={approve.loading}
                        onClick={async () => {
                          try {
                            await approve.run({ id: r.id });
                            fb.success(t('reviews.approved'));
                            void q.refetch();
                          } catch (e) {
                            fb.error(e);
                          }
                        }}
                      >
                        {t('common.approve')}
                      </Button>
                      <Button size="small" danger onClick={() => setDeciding({ id: r.id, action: 'reject' })}>{t('common.reject')}</Button>
                    </>
                  )}
                  {(r.status === 'HELD' || r.status === 'REVIEW') && can('recycles.manage') && (
                    <Button size="small" onClick={() => setDeciding({ id: r.id, action: 'cancel' })}>{t('recycle.cancel')}</Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <VoucherModal number={voucher} onClose={() => setVoucher(null)} />
      <Modal
        open={!!deciding}
        title={deciding?.action === 'cancel' ? t('recycle.cancelTitle') : t('reviews.rejectTitle')}
        okText={deciding?.action === 'cancel' ? t('recycle.cancel') : t('common.reject')}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        cancelText={t('common.close')}
        confirmLoading={reject.loading || cancel.loading}
        onCancel={() => setDeciding(null)}
        onOk={async () => {
          if (!deciding) return;
          try {
            if (deciding.action === 'cancel') await cancel.run({ id: deciding.id, reason: reason.trim() });
            else await reject.run({ id: deciding.id, reason: reason.trim() });
            fb.success(deciding.action === 'cancel' ? t('recycle.cancelled') : t('reviews.rejected'));
            setDeciding(null);
            setReason('');
            void q.refetch();
            void balances.refetch();
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
