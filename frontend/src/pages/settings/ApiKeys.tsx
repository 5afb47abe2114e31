import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Popconfirm, Select, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useMutation, useQuery } from '../../api/hooks';
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation } from '../../api/operations';
import { DateTime, PageHeader, RoleTags, useFeedback, useTableLocale } from '../../components/common';
import SecretReveal from '../../components/SecretReveal';
import type { Role } from '../../gql/graphql';

const KEY_ROLES: Role[] = ['HR_ADMIN', 'FINANCE', 'AUDITOR'];

export default function ApiKeys() {
  const { t, te } = useI18n();
  const q = useQuery(ApiKeysQuery);
  const create = useMutation(CreateApiKeyMutation);
  const revoke = useMutation(RevokeApiKeyMutation);
  const fb = useFeedback();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm();
  const locale = useTableLocale(q.error, q.refetch);

  const submit = async () => {
    const v = await form.validateFields();
    try {
      const r = await create.run({ name: v.name.trim(), roles: v.roles });
      setCreating(false);
      form.resetFields();
      setSecret(r.createApiKey.secret);
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <PageHeader
        title={t('apiKeys.title')}
        crumbs={[{ label: t('nav.settings') }, { label: t('nav.apiKeys') }]}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('apiKeys.create')}</Button>}
      />
      <Card>
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={q.data?.apiKeys ?? []}
          pagination={false}
          scroll={{ x: 820 }}
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('apiKeys.prefix'), dataIndex: 'prefix', render: (v) => <code>{v}…</code> },
            { title: t('employees.roles'), dataIndex: 'roles', render: (v: string[]) => <RoleTags roles={v} /> },
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
            { title: t('apiKeys.lastUsed'), dataIndex: 'lastUsedAt', render: (v) => <DateTime value={v} /> },
            { title: t('common.status'), dataIndex: 'revokedAt', render: (v) => (v ? <Tag>{t('apiKeys.revoked')}</Tag> : <Tag color="green">{t('apiKeys.active')}</Tag>) },
            {
              title: t('common.actions'),
              render: (_, k) =>
                !k.revokedAt && (
                  <Popconfirm
                    title={t('apiKeys.revoke')}
                    description={t('apiKeys.revokeConfirm', { name: k.name })}
                    okText={t('apiKeys.revoke')}
                    okButtonProps={{ danger: true }}
                    cancelText={t('common.cancel')}
                    onConfirm={async () => {
                      try {
                        await revoke.run({ id: k.id });
                        void q.refetch();
                      } catch (e) {
                        fb.error(e);
                      }
                    }}
                  >
                    <Button size="small" danger>{t('apiKeys.revoke')}</Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      <Modal open={creating} title={t('apiKeys.create')} okText={t('common.submit')} cancelText={t('common.cancel')} confirmLoading={create.loading} onOk={submit} onCancel={() => setCreating(false)}>
        <Form form={form} layout="vertical" initialValues={{ roles: ['HR_ADMIN'] }}>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input maxLength={80} placeholder="ERP" />
          </Form.Item>
          <Form.Item name="roles" label={t('employees.roles')} extra={t('apiKeys.noOwner')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select mode="multiple" options={KEY_ROLES.map((r) => ({ value: r, label: te('role', r) }))} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretReveal secret={secret} title={t('apiKeys.secretTitle')} text={t('apiKeys.secretText')} onClose={() => setSecret(null)} />
    </>
  );
}
