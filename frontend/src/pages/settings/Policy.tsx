import { useEffect } from 'react';
import { Alert, Button, Card, Col, Divider, Form, Input, InputNumber, Row, Switch } from 'antd';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { PolicyQuery, UpdatePolicyMutation } from '../../api/operations';
import { DataState, PageHeader, useFeedback } from '../../components/common';
import { amountOrZeroRules, amountRules, isValidRate, rateRules } from '../../lib/validation';
import { formatRate, normalizeAmount } from '../../lib/money';

const MONEY_FIELDS = ['topupSingleMax', 'topupDailyLimit', 'topupMonthlyLimit', 'tenantDailyCap', 'purchaseApprovalThreshold', 'recycleReviewThreshold', 'cashoutReviewThreshold', 'lowPoolThreshold', 'recycleFee'] as const;
const RATE_FIELDS = ['recycleRate', 'cashoutRate'] as const;
/** May be 0: a zero threshold means "always", a zero fee means "no fee". */
const ZERO_OK = new Set<string>(['purchaseApprovalThreshold', 'recycleReviewThreshold', 'cashoutReviewThreshold', 'lowPoolThreshold', 'recycleFee']);
const INT_FIELDS = ['velocityMaxTopups', 'velocityWindowMinutes', 'settlementDelayDays'] as const;

export default function Policy() {
  const { t } = useI18n();
  const { can } = useSession();
  const q = useQuery(PolicyQuery);
  const update = useMutation(UpdatePolicyMutation);
  const fb = useFeedback();
  const [form] = Form.useForm();
  const editable = can('policy.manage');
  const policy = q.data?.tenant.policy;
  const rates = { recycleRate: Form.useWatch('recycleRate', form) as string | undefined, cashoutRate: Form.useWatch('cashoutRate', form) as string | undefined };

  useEffect(() => {
    if (policy) form.setFieldsValue(policy);
  }, [policy, form]);

  const onFinish = async (v: Record<string, unknown>) => {
    const input: Record<string, unknown> = {};
    for (const k of MONEY_FIELDS) input[k] = normalizeAmount(String(v[k]));
    for (const k of RATE_FIELDS) input[k] = String(v[k]).trim();
    for (const k of INT_FIELDS) input[k] = v[k];
    input.cashoutEnabled = !!v.cashoutEnabled;
    try {
      await update.run({ input });
      fb.success(t('policy.saved'));
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  const money = (k: (typeof MONEY_FIELDS)[number]) => (
    <Col xs={24} md={12} key={k}>
      <Form.Item name={k} label={t(`policy.${k}` as MessageKey)} rules={ZERO_OK.has(k) ? amountOrZeroRules(t) : amountRules(t)}>
        <Input prefix="¥" inputMode="decimal" />
      </Form.Item>
    </Col>
  );
  const int = (k: (typeof INT_FIELDS)[number], max: number) => (
    <Col xs={24} md={12} key={k}>
      <Form.Item name={k} label={t(`policy.${k}` as MessageKey)} rules={[{ required: true, message: t('validation.required') }, { type: 'integer', min: 0, max, message: t('validation.integer') }]}>
        <InputNumber min={0} max={max} precision={0} style={{ width: '100%' }} />
      </Form.Item>
    </Col>
  );
  const rate = (k: (typeof RATE_FIELDS)[number]) => (
    <Col xs={24} md={12} key={k}>
      <Form.Item name={k} label={t(`policy.${k}` as MessageKey)} rules={rateRules(t, true)} extra={isValidRate(rates[k]) ? `= ${formatRate(rates[k])}` : undefined}>
        <Input inputMode="decimal" placeholder="0.9500" />
      </Form.Item>
    </Col>
  );

  return (
    <>
      <PageHeader title={t('policy.title')} crumbs={[{ label: t('nav.settings') }, { label: t('nav.policy') }]} />
      {!editable && <Alert type="info" showIcon message={t('policy.readOnly')} style={{ marginBottom: 16 }} />}
      <DataState loading={q.loading} error={q.error} onRetry={q.refetch}>
        <Card style={{ maxWidth: 900 }}>
          <Form form={form} layout="vertical" onFinish={onFinish} disabled={!editable || update.loading} scrollToFirstError>
            <Divider orientation="left" orientationMargin={0}>{t('policy.topupLimits')}</Divider>
            <Row gutter={16}>{(['topupSingleMax', 'topupDailyLimit', 'topupMonthlyLimit', 'tenantDailyCap'] as const).map(money)}</Row>
            <Divider orientation="left" orientationMargin={0}>{t('policy.velocity')}</Divider>
            <Row gutter={16}>
              {int('velocityMaxTopups', 1000)}
              {int('velocityWindowMinutes', 10080)}
            </Row>
            <Divider orientation="left" orientationMargin={0}>{t('policy.approvals')}</Divider>
            <Row gutter={16}>{(['purchaseApprovalThreshold', 'recycleReviewThreshold', 'cashoutReviewThreshold', 'lowPoolThreshold'] as const).map(money)}</Row>
            <Divider orientation="left" orientationMargin={0}>{t('policy.recycling')}</Divider>
            <Row gutter={16}>
              {rate('recycleRate')}
              {money('recycleFee')}
              {int('settlementDelayDays', 30)}
              <Col xs={24} md={12}>
                <Form.Item name="cashoutEnabled" label={t('policy.cashoutEnabled')} valuePropName="checked">
                  <Switch />
                </Form.Item>
              </Col>
              {rate('cashoutRate')}
            </Row>
            {editable && (
              <Button type="primary" htmlType="submit" loading={update.loading}>
                {t('common.save')}
              </Button>
            )}
          </Form>
        </Card>
      </DataState>
    </>
  );
}
