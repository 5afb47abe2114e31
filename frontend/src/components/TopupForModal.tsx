import { Form, Input, Modal, Typography } from 'antd';
import { useI18n } from '../i18n';
import { useMutation } from '../api/hooks';
import { TopupForMutation } from '../api/operations';
import { amountRules, phoneRules } from '../lib/validation';
import { formatMoney, normalizeAmount } from '../lib/money';
import { useIdempotencyKey } from '../lib/idempotency';
import { useFeedback } from './common';

/** HR tops up an employee's phone from the employee's wallet, on their behalf. */
export default function TopupForModal({
  employee,
  onClose,
  onDone,
}: {
  employee: { id: string; name: string; phone?: string | null } | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, te } = useI18n();
  const [form] = Form.useForm<{ phone: string; amount: string }>();
  const topup = useMutation(TopupForMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const submit = async () => {
    if (!employee) return;
    const v = await form.validateFields();
    const vars = { employeeId: employee.id, phone: v.phone.trim(), amount: normalizeAmount(v.amount) };
    try {
      const r = await topup.run({ ...vars, idempotencyKey: idem.key(vars) });
      idem.done();
      fb.success(`${t('topup.submitted')}：${r.topupFor.phone} · ${te('operator', r.topupFor.operator)} · ${formatMoney(r.topupFor.amount)} · ${te('topupStatus', r.topupFor.status)}`);
      form.resetFields();
      onDone();
    } catch (e) {
      fb.error(e);
    }
  };
  return (
    <Modal
      open={!!employee}
      title={`${t('employees.topupFor')} · ${employee?.name ?? ''}`}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={topup.loading}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('employees.topupForText')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ phone: employee?.phone ?? '' }} preserve={false}>
        <Form.Item name="phone" label={t('topup.phone')} rules={phoneRules(t)}>
          <Input inputMode="numeric" maxLength={11} />
        </Form.Item>
        <Form.Item name="amount" label={t('topup.amount')} rules={amountRules(t)}>
          <Input prefix="¥" inputMode="decimal" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
