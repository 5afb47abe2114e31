import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Card, Col, Descriptions, Flex, Form, Input, List, Modal, Result, Row, Space, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { MyWalletQuery, OperatorOfQuery, PolicyQuery, RequestTopupCodeMutation, TopupMutation } from '../../api/operations';
import { Money, PageHeader, useFeedback } from '../../components/common';
import { amountRules, isValidPhone, phoneRules } from '../../lib/validation';
import { compareMoney, formatMoney, isValidAmount, normalizeAmount } from '../../lib/money';
import { useIdempotencyKey } from '../../lib/idempotency';
import type { TopupMutation as TM } from '../../gql/graphql';

const QUICK_AMOUNTS = ['30.00', '50.00', '100.00', '200.00'];

export default function Topup() {
  const { t, te, lang } = useI18n();
  const { viewer } = useSession();
  const ownPhone = viewer?.user?.phone ?? '';
  const [form] = Form.useForm<{ phone: string; amount: string; code?: string }>();
  const phone: string = Form.useWatch('phone', form) ?? ownPhone;
  const amount: string = Form.useWatch('amount', form) ?? '';
  const validPhone = isValidPhone(phone);
  const operator = useQuery(OperatorOfQuery, { phone }, { skip: !validPhone });
  const wallet = useQuery(MyWalletQuery, { first: 1 });
  const policy = useQuery(PolicyQuery);
  const requestCode = useMutation(RequestTopupCodeMutation);
  const topup = useMutation(TopupMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [cooldown, setCooldown] = useState(0);
  const [reviewing, setReviewing] = useState<{ phone: string; amount: string; code?: string } | null>(null);
  const [result, setResult] = useState<TM['topup'] | null>(null);

  const otherNumber = validPhone && phone !== ownPhone;
  const op = operator.data?.operatorOf;
  const operatorName = op ? (lang === 'zh-CN' ? op.operatorNameZh : op.operatorNameEn) || te('operator', op.operator) : '—';
  const available = wallet.data?.myWallet?.available;
  const p = policy.data?.tenant.policy;

  useEffect(() => {
    if (cooldown <= 0) return;
    const id = setTimeout(() => setCooldown((c) => c - 1), 1000);
    return () => clearTimeout(id);
  }, [cooldown]);

  const sendCode = async () => {
    try {
      await form.validateFields(['phone']);
      await requestCode.run({ phone });
      fb.success(t('topup.codeSent'));
      setCooldown(60);
    } catch (e) {
      if (e && typeof e === 'object' && 'errorFields' in e) return;
      fb.error(e);
    }
  };

  const submit = async () => {
    if (!reviewing) return;
    const vars = { phone: reviewing.phone, amount: reviewing.amount, code: reviewing.code ?? null };
    try {
      const r = await topup.run({ ...vars, idempotencyKey: idem.key(vars) });
      idem.done();
      setResult(r.topup);
      setReviewing(null);
      void wallet.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  if (result) {
    const status = result.status === 'SUCCEEDED' ? 'success' : result.status === 'FAILED' || result.status === 'REJECTED' ? 'error' : 'info';
    return (
      <>
        <PageHeader title={t('topup.title')} />
        <Card data-testid="topup-result">
          <Result
            status={status}
            title={t('topup.submitted')}
            subTitle={
              <>
                {result.phone} · {te('operator', result.operator)} · {formatMoney(result.amount)}
                <br />
                {t(`topup.result.${result.status}` as 'topup.result.PENDING')}
              </>
            }
            extra={[
              <Button key="again" type="primary" onClick={() => { setResult(null); form.resetFields(['amount', 'code']); }}>{t('topup.another')}</Button>,
              <Link key="wallet" to="/me/wallet"><Button>{t('nav.wallet')}</Button></Link>,
            ]}
          />
        </Card>
      </>
    );
  }

  const amountLimitRule = {
    validator: (_: unknown, v: string) => {
      if (!isValidAmount(v)) return Promise.resolve();
      if (available && compareMoney(v, available) > 0) return Promise.reject(new Error(t('topup.exceedsAvailable')));
      if (p && compareMoney(v, p.topupSingleMax) > 0) return Promise.reject(new Error(t('topup.exceedsSingle')));
      return Promise.resolve();
    },
  };

  return (
    <>
      <PageHeader title={t('topup.title')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card>
            <Form
              form={form}
              layout="vertical"
              initialValues={{ phone: ownPhone }}
              onFinish={(v) => setReviewing({ phone: v.phone.trim(), amount: normalizeAmount(v.amount), code: otherNumber ? v.code?.trim() : undefined })}
              requiredMark={false}
            >
              <Form.Item name="phone" label={t('topup.phone')} rules={phoneRules(t)} extra={ownPhone && phone === ownPhone ? t('topup.ownPhone') : undefined}>
                <Input inputMode="numeric" maxLength={11} size="large" autoComplete="tel" />
              </Form.Item>
              <Flex align="center" gap={8} style={{ marginTop: -8, marginBottom: 16 }} data-testid="operator">
                <Typography.Text type="secondary">{t('topup.operator')}：</Typography.Text>
                {validPhone && operator.data ? (
                  <Tag color="blue">{operatorName}</Tag>
                ) : validPhone && operator.loading ? (
                  <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
                ) : (
                  <Typography.Text type="secondary">{operator.error && validPhone ? t('error.loadFailed') : t('topup.operatorUnknown')}</Typography.Text>
                )}
              </Flex>
              <Form.Item name="amount" label={t('topup.amount')} rules={[...amountRules(t), amountLimitRule]}>
                <Input prefix="¥" inputMode="decimal" size="large" placeholder="50.00" />
              </Form.Item>
              <Space wrap style={{ marginTop: -8, marginBottom: 16 }}>
                {QUICK_AMOUNTS.map((a) => (
                  <Button key={a} type={amount && isValidAmount(amount) && normalizeAmount(amount) === a ? 'primary' : 'default'} onClick={() => form.setFieldsValue({ amount: a })}>
                    {formatMoney(a)}
                  </Button>
                ))}
              </Space>
              {otherNumber && (
                <>
                  <Alert type="info" showIcon message={t('topup.otherNumber')} style={{ marginBottom: 12 }} />
                  <Form.Item label={t('topup.code')} required>
                    <Space.Compact style={{ width: '100%' }}>
                      <Form.Item name="code" noStyle rules={[{ required: true, message: t('topup.codeRequired') }]}>
                        <Input inputMode="numeric" maxLength={8} autoComplete="one-time-code" aria-label={t('topup.code')} />
                      </Form.Item>
                      <Button onClick={sendCode} loading={requestCode.loading} disabled={cooldown > 0}>
                        {cooldown > 0 ? t('topup.resend', { s: cooldown }) : t('topup.sendCode')}
                      </Button>
                    </Space.Compact>
                  </Form.Item>
                </>
              )}
              <Button type="primary" htmlType="submit" size="large" block>
                {t('topup.review')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('topup.limits')} size="small">
            <List size="small">
              {available !== undefined && <List.Item>{t('topup.limitAvailable', { amount: formatMoney(available) })}</List.Item>}
              {p && (
                <>
                  <List.Item>{t('topup.limitSingle', { amount: formatMoney(p.topupSingleMax) })}</List.Item>
                  <List.Item>{t('topup.limitDaily', { amount: formatMoney(p.topupDailyLimit) })}</List.Item>
                  <List.Item>{t('topup.limitMonthly', { amount: formatMoney(p.topupMonthlyLimit) })}</List.Item>
                </>
              )}
              <List.Item>{t('topup.otherNumber')}</List.Item>
            </List>
          </Card>
        </Col>
      </Row>
      <Modal
        open={!!reviewing}
        title={t('topup.review')}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={topup.loading}
        onOk={submit}
        onCancel={() => setReviewing(null)}
      >
        {reviewing && (
          <>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('topup.phone')}>{reviewing.phone}</Descriptions.Item>
              <Descriptions.Item label={t('topup.operator')}>{operatorName}</Descriptions.Item>
              <Descriptions.Item label={t('topup.amount')}><Money value={reviewing.amount} strong /></Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph style={{ marginTop: 12 }}>
              {t('topup.confirmText', { phone: reviewing.phone, operator: operatorName, amount: formatMoney(reviewing.amount) })}
            </Typography.Paragraph>
            {p && (
              <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
                {t('topup.limitSingle', { amount: formatMoney(p.topupSingleMax) })} · {t('topup.limitDaily', { amount: formatMoney(p.topupDailyLimit) })} · {t('topup.limitMonthly', { amount: formatMoney(p.topupMonthlyLimit) })}
              </Typography.Paragraph>
            )}
          </>
        )}
      </Modal>
    </>
  );
}
