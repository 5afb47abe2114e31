import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useMutation, useQuery } from '../../api/hooks';
import { DateTime, PageHeader, useFeedback, useTableLocale } from '../../components/common';
import SecretReveal from '../../components/SecretReveal';
import {
  CreateWebhookMutation, DeleteWebhookMutation, SetWebhookEnabledMutation, WEBHOOK_EVENTS, WebhookDeliveriesQuery, WebhooksQuery,
} from '../../planned/api';

const STATUS_COLOR: Record<string, string> = { DELIVERED: 'green', FAILED: 'red', PENDING: 'gold' };

export default function Webhooks() {
  const { t } = useI18n();
  const q = useQuery(WebhooksQuery, {});
  const [selected, setSelected] = useState<string | null>(null);
  const deliveries = useQuery(WebhookDeliveriesQuery, { webhookId: selected, first: 50 }, { skip: !!q.error });
  const create = useMutation(CreateWebhookMutation);
  const setEnabled = useMutation(SetWebhookEnabledMutation);
  const del = useMutation(DeleteWebhookMutation);
  const fb = useFeedback();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm();
  const locale = useTableLocale(q.error, q.refetch);
  const dLocale = useTableLocale(deliveries.error, deliveries.refetch);

  const submit = async () => {
    const v = await form.validateFields();
    try {
      const r = await create.run({ url: v.url.trim(), events: v.events });
      setCreating(false);
      form.resetFields();
      setSecret(r.createWebhook.secret);
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  const deliveryStatus = (s: string) => (s === 'DELIVERED' ? t('webhooks.delivered') : s === 'FAILED' ? t('webhooks.failed') : t('webhooks.pending'));

  return (
    <>
      <PageHeader
        title={t('webhooks.title')}
        crumbs={[{ label: t('nav.settings') }, { label: t('nav.webhooks') }]}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={!!q.error}>{t('webhooks.create')}</Button>}
      />
      <Typography.Paragraph type="secondary">{t('webhooks.intro')}</Typography.Paragraph>
      {q.error?.code === 'UNAVAILABLE' && <Alert type="info" showIcon message={t('error.UNAVAILABLE')} style={{ marginBottom: 16 }} />}
      <Card style={{ marginBottom: 16 }}>
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={q.data?.webhooks ?? []}
          pagination={false}
          scroll={{ x: 760 }}
          rowSelection={{ type: 'radio', selectedRowKeys: selected ? [selected] : [], onChange: (keys) => setSelected((keys[0] as string) ?? null) }}
          columns={[
            { title: t('webhooks.url'), dataIndex: 'url', render: (v) => <Typography.Text className="mono">{v}</Typography.Text> },
            { title: t('webhooks.events'), dataIndex: 'events', render: (v: string[]) => <Space size={[4, 4]} wrap>{v.map((e) => <Tag key={e}>{e}</Tag>)}</Space> },
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
            {
              title: t('webhooks.enabled'),
              dataIndex: 'enabled',
              render: (v: boolean, w) => (
                <Switch
                  checked={v}
                  aria-label={t('webhooks.enabled')}
                  onChange={async (checked) => {
                    try {
                      await setEnabled.run({ id: w.id, enabled: checked });
                      void q.refetch();
                    } catch (e) {
                      fb.error(e);
                    }
                  }}
                />
              ),
            },
            {
              title: t('common.actions'),
              render: (_, w) => (
                <Popconfirm
                  title={t('webhooks.delete')}
                  description={t('webhooks.deleteConfirm')}
                  okButtonProps={{ danger: true }}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                  onConfirm={async () => {
                    try {
                      await del.run({ id: w.id });
                      void q.refetch();
                    } catch (e) {
                      fb.error(e);
                    }
                  }}
                >
                  <Button size="small" danger>{t('webhooks.delete')}</Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      </Card>
      {!q.error && (
        <Card title={t('webhooks.deliveries')}>
          <Table
            rowKey="id"
            size="small"
            loading={deliveries.loading}
            locale={dLocale}
            dataSource={deliveries.data?.webhookDeliveries ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 700 }}
            columns={[
              { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
              { title: t('webhooks.event'), dataIndex: 'event', render: (v) => <Typography.Text code>{v}</Typography.Text> },
              { title: t('common.status'), dataIndex: 'status', render: (v: string) => <Tag color={STATUS_COLOR[v] ?? 'default'}>{deliveryStatus(v)}</Tag> },
              { title: t('webhooks.responseStatus'), dataIndex: 'responseStatus', render: (v) => v ?? '—' },
              { title: t('webhooks.attempts'), dataIndex: 'attempts', align: 'right' },
              { title: t('webhooks.deliveredAt'), dataIndex: 'deliveredAt', render: (v) => <DateTime value={v} /> },
            ]}
          />
        </Card>
      )}
      <Modal open={creating} title={t('webhooks.create')} okText={t('common.submit')} cancelText={t('common.cancel')} confirmLoading={create.loading} onOk={submit} onCancel={() => setCreating(false)}>
        <Form form={form} layout="vertical" initialValues={{ events: ['topup.succeeded', 'topup.failed'] }}>
          <Form.Item name="url" label={t('webhooks.url')} rules={[{ required: true, message: t('validation.required') }, { type: 'url', message: t('validation.required') }, { pattern: /^https:\/\//, message: 'https://' }]}>
            <Input placeholder="https://erp.example.com/hooks/creditloop" />
          </Form.Item>
          <Form.Item name="events" label={t('webhooks.events')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select mode="multiple" options={WEBHOOK_EVENTS.map((e) => ({ value: e, label: e }))} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretReveal secret={secret} title={t('apiKeys.secretTitle')} text={t('webhooks.secretText')} onClose={() => setSecret(null)} />
    </>
  );
}
