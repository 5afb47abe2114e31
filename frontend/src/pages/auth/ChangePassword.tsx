import { Button, Card, Form, Input } from 'antd';
import { useI18n } from '../../i18n';
import { useMutation } from '../../api/hooks';
import { ChangePasswordMutation } from '../../api/operations';
import { PageHeader, useFeedback } from '../../components/common';
import { newPasswordRules } from './AcceptInvite';

export default function ChangePassword() {
  const { t } = useI18n();
  const change = useMutation(ChangePasswordMutation);
  const fb = useFeedback();
  const [form] = Form.useForm();
  const onFinish = async (v: { current: string; password: string }) => {
    try {
      await change.run({ current: v.current, new: v.password }, { quietAuth: true });
      fb.success(t('auth.passwordChanged'));
      form.resetFields();
    } catch (e) {
      fb.error(e);
    }
  };
  return (
    <>
      <PageHeader title={t('auth.changePasswordTitle')} crumbs={[{ label: t('nav.account') }, { label: t('nav.changePassword') }]} />
      <Card style={{ maxWidth: 480 }}>
        <Form form={form} layout="vertical" onFinish={onFinish} disabled={change.loading}>
          <Form.Item name="current" label={t('auth.currentPassword')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="password" label={t('auth.newPassword')} rules={newPasswordRules(t)} hasFeedback>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('auth.confirmPassword')}
            dependencies={['password']}
            hasFeedback
            rules={[
              { required: true, message: t('validation.required') },
              ({ getFieldValue }) => ({
                validator: (_, v) => (!v || getFieldValue('password') === v ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordMatch')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={change.loading}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
