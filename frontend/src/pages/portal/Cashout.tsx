import { useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, List, Modal, Row, Statistic, Typography, Empty } from 'antd';
import { useI18n } from '../../i18n';
import { useMutation, useQuery } from '../../api/hooks';
import { CashoutMutation, MyCashoutsQuery, MyWalletQuery, PolicyQuery } from '../../api/operations';
import { DataState, DateTime, Money, PageHeader, StatusTag, useFeedback } from '../../components/common';
import { amountRules } from '../../lib/validation';
import { applyRate, compareMoney, formatMoney, formatRate, isValidAmount, normalizeAmount } from '../../lib/money';
import { useIdempotencyKey } from '../../lib/idempotency';

export default function Cashout() {
  const { t } = useI18n();
  const policy = useQuery(PolicyQuery);
  const wallet = useQuery(MyWalletQuery, { first: 1 });
  const history = useQuery(MyCashoutsQuery, { first: 50 });
  const cashout = useMutation(CashoutMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [form] = Form.useForm();
  const amount: string = Form.useWatch('amount', form) ?? '';
  const [pending, setPending] = useState<string | null>(null);
  const p = policy.data?.tenant.policy;
  const available = wallet.data?.myWallet?.available;
  const estimate = p && isValidAmount(amount) ? applyRate(normalizeAmount(amount), p.cashoutRate) : null;

  const submit = async () => {
    if (!pending) return;
    try {
      await cashout.run({ amount: pending, idempotencyKey: idem.key({ amount: pending }) });
      idem.done();
      fb.success(t('cashout.done'));
      setPending(null);
      form.resetFields();
      void wallet.refetch();
      void history.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <PageHeader title={t('cashout.title')} />
      <DataState loading={policy.loading} error={policy.error} onRetry={policy.refetch}>
        {p && !p.cashoutEnabled ? (
          <Alert type="info" showIcon message={t('cashout.disabled')} />
        ) : p ? (
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card>
                <Typography.Paragraph>{t('cashout.rateText', { rate: formatRate(p.cashoutRate) })}</Typography.Paragraph>
                {available !== undefined && <Statistic title={t('portal.balance')} value={formatMoney(available)} style={{ marginBottom: 16 }} />}
                <Form form={form} layout="vertical" onFinish={(v) => setPending(normalizeAmount(v.amount))}>
                  <Form.Item
                    name="amount"
                    label={t('cashout.amount')}
                    rules={[
                      ...amountRules(t),
                      { validator: (_, v) => (available && isValidAmount(v) && compareMoney(v, available) > 0 ? Promise.reject(new Error(t('topup.exceedsAvailable'))) : Promise.resolve()) },
                    ]}
                  >
                    <Input prefix="¥" inputMode="decimal" size="large" />
                  </Form.Item>
                  <Statistic title={t('cashout.estimate')} value={estimate ? formatMoney(estimate) : '—'} style={{ marginBottom: 16 }} />
                  <Button type="primary" htmlType="submit" size="large" block>
                    {t('cashout.submit')}
                  </Button>
                </Form>
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('cashout.history')} size="small">
                <List
                  loading={history.loading}
                  dataSource={history.data?.myCashouts ?? []}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={history.error ? t('error.loadFailed') : t('common.empty')} /> }}
                  renderItem={(c) => (
                    <List.Item extra={<Money value={c.cash} strong />}>
                      <List.Item.Meta title={<><Money value={c.credit} /> <StatusTag prefix="cashoutStatus" value={c.status} /></>} description={<DateTime value={c.createdAt} />} />
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          </Row>
        ) : null}
      </DataState>
      <Modal open={!!pending} title={t('cashout.submit')} okText={t('common.confirm')} cancelText={t('common.cancel')} confirmLoading={cashout.loading} onOk={submit} onCancel={() => setPending(null)}>
        {pending && p && <Typography.Paragraph>{t('cashout.confirmText', { credit: formatMoney(pending), rate: formatRate(p.cashoutRate), cash: formatMoney(applyRate(pending, p.cashoutRate)) })}</Typography.Paragraph>}
      </Modal>
    </>
  );
}
