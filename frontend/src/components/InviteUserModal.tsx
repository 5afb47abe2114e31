import { Form, Input, Modal, Select } from 'antd';
import { useI18n } from '../i18n';
import { useMutation } from '../api/hooks';
import { InviteUserMutation } from '../api/operations';
import { phoneRules } from '../lib/validation';
import { useFeedback } from './common';
import type { Locale, Role } from '../gql/graphql';

const ALL_ROLES: Role[] = ['OWNER', 'HR_ADMIN', 'FINANCE', 'AUDITOR', 'EMPLOYEE'];

/** OWNER may invite any role; HR admins invite employees only (the server enforces it too). */
export default function InviteUserModal({ open, onClose, onDone, anyRole }: { open: boolean; onClose: () => void; onDone: () => void; anyRole: boolean }) {
  const { t, te, lang } = useI18n();
  const [form] = Form.useForm();
  const invite = useMutation(InviteUserMutation);
  const fb = useFeedback();
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await invite.run({
        input: {
          email: v.email.trim(),
          name: v.name.trim(),
          roles: anyRole ? v.roles : ['EMPLOYEE'],
          employeeNo: v.employeeNo || null,
          phone: v.phone || null,
          department: v.department || null,
          costCenter: v.costCenter || null,
          locale: v.locale as Locale,
        },
      });
      fb.success(t('employees.inviteSent', { email: v.email }));
      form.resetFields();
      onDone();
    } catch (e) {
      fb.error(e);
    }
  };
  return (
    <Modal
      open={open}
      title={anyRole ? t('users.invite') : t('employees.invite')}
      onCancel={onClose}
      onOk={submit}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={invite.loading}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ roles: ['EMPLOYEE'], locale: lang === 'en' ? 'EN' : 'ZH_CN' }} preserve={false}>
        <Form.Item name="name" label={t('common.name')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="email" label={t('common.email')} rules={[{ required: true, message: t('validation.required') }, { type: 'email', message: t('validation.email') }]}>
          <Input inputMode="email" />
        </Form.Item>
        {anyRole ? (
          <Form.Item name="roles" label={t('employees.roles')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select mode="multiple" options={ALL_ROLES.map((r) => ({ value: r, label: te('role', r) }))} />
          </Form.Item>
        ) : null}
        <Form.Item name="employeeNo" label={t('employees.employeeNo')}>
          <Input />
        </Form.Item>
        <Form.Item name="phone" label={t('common.phone')} rules={phoneRules(t, false)}>
          <Input inputMode="numeric" maxLength={11} />
        </Form.Item>
        <Form.Item name="department" label={t('employees.department')}>
          <Input />
        </Form.Item>
        <Form.Item name="costCenter" label={t('employees.costCenter')}>
          <Input />
        </Form.Item>
        <Form.Item name="locale" label={t('employees.locale')}>
          <Select options={[{ value: 'ZH_CN', label: '简体中文' }, { value: 'EN', label: 'English' }]} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
