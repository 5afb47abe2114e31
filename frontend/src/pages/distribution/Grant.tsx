import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Statistic, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { GrantMutation, TenantBalancesQuery, UserDetailQuery } from '../../api/operations';
import { PageHeader, useFeedback } from '../../components/common';
import UserPicker, { type PickedUser } from '../../components/UserPicker';
import { amountRules } from '../../lib/validation';
import { formatMoney, normalizeAmount } from '../../lib/money';
import { endOfDayUtc, todayIn } from '../../lib/time';
import { useIdempotencyKey } from '../../lib/idempotency';

interface Values {
  employeeId: string;
  amount: string;
  expiresAt: Dayjs;
  memo?: string;
}

export function defaultExpiry(tz: string): Dayjs {
  return todayIn(tz).add(1, 'month').endOf('month');
}

export default function Grant() {
  const { t } = useI18n();
  const { timezone } = useSession();
  const [params] = useSearchParams();
  const preset = params.get('employee') ?? undefined;
  const presetUser = useQuery(UserDetailQuery, { id: preset ?? '', first: 1 }, { skip: !preset });
  const balances = useQuery(TenantBalancesQuery);
  const grant = useMutation(GrantMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [form] = Form.useForm<Values>();
  const [picked, setPicked] = useState<PickedUser | undefined>();
  const [pending, setPending] = useState<Values | null>(null);
  const [last, setLast] = useState<string | null>(null);

  const initialUser = presetUser.data?.user ? [presetUser.data.user] : undefined;
  const name = picked?.name ?? presetUser.data?.user?.name ?? '';

  const submit = async () => {
    if (!pending) return;
    const input = {
      employeeId: pending.employeeId,
      amount: normalizeAmount(pending.amount),
      expiresAt: endOfDayUtc(pending.expiresAt, timezone),
      memo: pending.memo?.trim() || null,
    };
    try {
      await grant.run({ input: { ...input, idempotencyKey: idem.key(input) } });
      idem.done();
      const msg = t('grant.done', { name, amount: formatMoney(input.amount) });
      fb.success(msg);
      setLast(msg);
      setPending(null);
      form.resetFields(['amount', 'memo']);
      void balances.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <PageHeader title={t('grant.title')} crumbs={[{ label: t('nav.distribution') }, { label: t('nav.grant') }]} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Card>
            {last && <Alert type="success" showIcon message={last} closable onClose={() => setLast(null)} style={{ marginBottom: 16 }} />}
            {(!preset || presetUser.data) && (
              <Form<Values>
                form={form}
                layout="vertical"
                initialValues={{ employeeId: preset, expiresAt: defaultExpiry(timezone) }}
                onFinish={(v) => setPending(v)}
              >
                <Form.Item name="employeeId" label={t('grant.employee')} rules={[{ required: true, message: t('validation.required') }]}>
                  <UserPicker onPick={setPicked} initial={initialUser} />
                </Form.Item>
                <Form.Item name="amount" label={t('common.amount')} rules={amountRules(t)}>
                  <Input prefix="¥" inputMode="decimal" placeholder="50.00" style={{ maxWidth: 240 }} />
                </Form.Item>
                <Form.Item name="expiresAt" label={t('grant.expiresAt')} rules={[{ required: true, message: t('validation.required') }]} extra={t('common.timezoneNote', { tz: timezone })}>
                  <DatePicker disabledDate={(d) => d.isBefore(todayIn(timezone), 'day')} allowClear={false} />
                </Form.Item>
                <Form.Item name="memo" label={`${t('common.memo')}（${t('common.optional')}）`}>
                  <Input maxLength={200} />
                </Form.Item>
                <Button type="primary" htmlType="submit">
                  {t('grant.submit')}
                </Button>
              </Form>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Card>
            <Statistic title={t('grant.poolAvailable')} value={balances.data ? formatMoney(balances.data.tenant.balances.pool) : '—'} loading={balances.loading} />
          </Card>
        </Col>
      </Row>
      <Modal
        open={!!pending}
        title={t('grant.confirmTitle')}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={grant.loading}
        onOk={submit}
        onCancel={() => setPending(null)}
      >
        {pending && (
          <Typography.Paragraph>
            {t('grant.confirmText', { name, amount: formatMoney(normalizeAmount(pending.amount)), date: pending.expiresAt.format('YYYY-MM-DD') })}
          </Typography.Paragraph>
        )}
      </Modal>
    </>
  );
}
