import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useCursorPages, useMutation, useQuery } from '../../api/hooks';
import {
  CreateWebhookEndpointMutation, DeleteWebhookEndpointMutation, ReplayWebhookDeliveryMutation, SendTestWebhookMutation,
  UpdateWebhookEndpointMutation, WebhookDeliveriesQuery, WebhookEndpointsQuery,
} from '../../api/operations';
import type { WebhookDeliveryStatus, WebhookEndpointsQuery as EndpointsResult } from '../../gql/graphql';
import { CursorPager, DateTime, PageHeader, useFeedback, useTableLocale } from '../../components/common';
import SecretReveal from '../../components/SecretReveal';

type Endpoint = EndpointsResult['webhookEndpoints'][number];
const STATUS_COLOR: Record<WebhookDeliveryStatus, string> = { DELIVERED: 'green', FAILED: 'red', PENDING: 'gold' };
const PAGE_SIZE = 20;

function EventTags({ events }: { events: readonly string[] }) {
  const { t } = useI18n();
  if (events.length === 0) return <Tag color="blue">{t('webhooks.allEvents')}</Tag>;
  return <Space size={[4, 4]} wrap>{events.map((e) => <Tag key={e}>{e}</Tag>)}</Space>;
}

export default function Webhooks() {
  const { t } = useI18n();
  const q = useQuery(WebhookEndpointsQuery, {});
  const [selected, setSelected] = useState<string | null>(null);
  const [status, setStatus] = useState<WebhookDeliveryStatus | null>(null);
  const pages = useCursorPages(PAGE_SIZE, `${selected}:${status}`);
  const deliveries = useQuery(WebhookDeliveriesQuery, { endpointId: selected, status, first: pages.first, after: pages.after }, { skip: !!q.error });
  const create = useMutation(CreateWebhookEndpointMutation);
  const update = useMutation(UpdateWebhookEndpointMutation);
  const del = useMutation(DeleteWebhookEndpointMutation);
  const replay = useMutation(ReplayWebhookDeliveryMutation);
  const sendTest = useMutation(SendTestWebhookMutation);
  const fb = useFeedback();
  const [editing, setEditing] = useState<Endpoint | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm();
  const locale = useTableLocale(q.error, q.refetch);
  const dLocale = useTableLocale(deliveries.error, deliveries.refetch);
  const events = q.data?.webhookEvents ?? [];
  const endpoints = q.data?.webhookEndpoints ?? [];
  const conn = deliveries.data?.webhookDeliveries;

  const open = (e: Endpoint | 'new') => {
    setEditing(e);
    form.setFieldsValue(e === 'new' ? { url: '', description: '', events: [] } : { url: e.url, description: e.description ?? '', events: e.events });
  };

  const submit = async () => {
    const v = await form.validateFields();
    const input = { url: v.url.trim(), description: v.description?.trim() || null, events: v.events ?? [] };
    try {
      if (editing === 'new') {
        const r = await create.run({ input: { ...input, active: true } });
        setSecret(r.createWebhookEndpoint.secret);
      } else if (editing) {
        await update.run({ id: editing.id, input });
        fb.success(t('webhooks.saved'));
      }
      setEditing(null);
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      fb.success(done);
      void q.refetch();
      void deliveries.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  const deliveryStatus = (s: WebhookDeliveryStatus) => (s === 'DELIVERED' ? t('webhooks.delivered') : s === 'FAILED' ? t('webhooks.failed') : t('webhooks.pending'));
  const urlOf = (id: string) => endpoints.find((e) => e.id === id)?.url ?? id;

  return (
    <>
      <PageHeader
        title={t('webhooks.title')}
        crumbs={[{ label: t('nav.settings') }, { label: t('nav.webhooks') }]}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} disabled={!!q.error}>{t('webhooks.create')}</Button>}
      />
      <Typography.Paragraph type="secondary">{t('webhooks.intro')}</Typography.Paragraph>
      <Card style={{ marginBottom: 16 }}>
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={endpoints}
          pagination={false}
          scroll={{ x: 900 }}
          data-testid="webhook-endpoints"
          rowSelection={{ type: 'radio', selectedRowKeys: selected ? [selected] : [], onChange: (keys) => setSelected((keys[0] as string) ?? null) }}
          columns={[
            {
              title: t('webhooks.url'),
              dataIndex: 'url',
              render: (v: string, w) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text className="mono">{v}</Typography.Text>
                  {w.description && <Typography.Text type="secondary">{w.description}</Typography.Text>}
                </Space>
              ),
            },
            { title: t('webhooks.events'), dataIndex: 'events', render: (v: string[]) => <EventTags events={v} /> },
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
            {
              title: t('webhooks.enabled'),
              dataIndex: 'active',
              render: (v: boolean, w) => (
                <Switch
                  checked={v}
                  aria-label={t('webhooks.enabled')}
                  onChange={(checked) => void act(() => update.run({ id: w.id, input: { active: checked } }), t('webhooks.saved'))}
                />
              ),
            },
            {
              title: t('common.actions'),
              render: (_, w) => (
                <Space wrap>
                  <Button size="small" onClick={() => open(w)}>{t('webhooks.edit')}</Button>
                  <Button size="small" loading={sendTest.loading} onClick={() => void act(() => sendTest.run({ endpointId: w.id }), t('webhooks.testSent'))}>
                    {t('webhooks.sendTest')}
                  </Button>
                  <Popconfirm
                    title={t('webhooks.delete')}
                    description={t('webhooks.deleteConfirm')}
                    okButtonProps={{ danger: true }}
                    okText={t('common.confirm')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => {
                      if (selected === w.id) setSelected(null);
                      return act(() => del.run({ id: w.id }), t('webhooks.deleted'));
                    }}
                  >
                    <Button size="small" danger>{t('webhooks.delete')}</Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {!q.error && (
        <Card
          title={t('webhooks.deliveries')}
          extra={
            <Space wrap>
              {selected && <Tag closable onClose={() => setSelected(null)}>{urlOf(selected)}</Tag>}
              <Select<WebhookDeliveryStatus | null>
                value={status}
                onChange={setStatus}
                style={{ width: 140 }}
                aria-label={t('common.status')}
                options={[
                  { value: null, label: t('webhooks.anyStatus') },
                  { value: 'PENDING', label: t('webhooks.pending') },
                  { value: 'DELIVERED', label: t('webhooks.delivered') },
                  { value: 'FAILED', label: t('webhooks.failed') },
                ]}
              />
            </Space>
          }
        >
          <Table
            rowKey="id"
            size="small"
            loading={deliveries.loading}
            locale={dLocale}
            dataSource={conn?.edges.map((e) => e.node) ?? []}
            pagination={false}
            scroll={{ x: 900 }}
            data-testid="webhook-deliveries"
            expandable={{
              expandedRowRender: (d) => (
                <Space direction="vertical" style={{ width: '100%' }}>
                  {d.lastError && <Typography.Text type="danger">{d.lastError}</Typography.Text>}
                  <Typography.Paragraph className="mono" copyable style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0 }}>{d.payload}</Typography.Paragraph>
                </Space>
              ),
            }}
            columns={[
              { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
              { title: t('webhooks.event'), dataIndex: 'event', render: (v) => <Typography.Text code>{v}</Typography.Text> },
              ...(selected ? [] : [{ title: t('webhooks.url'), dataIndex: 'endpointId', ellipsis: true, render: (v: string) => <Typography.Text className="mono">{urlOf(v)}</Typography.Text> }]),
              {
                title: t('common.status'),
                dataIndex: 'status',
                render: (v: WebhookDeliveryStatus, d) => (
                  <Tooltip title={d.lastError ?? undefined}>
                    <Tag color={STATUS_COLOR[v] ?? 'default'}>{deliveryStatus(v)}</Tag>
                  </Tooltip>
                ),
              },
              { title: t('webhooks.responseStatus'), dataIndex: 'lastStatusCode', render: (v) => v ?? '—' },
              { title: t('webhooks.attempts'), dataIndex: 'attempts', align: 'right' as const },
              {
                title: t('webhooks.deliveredAt'),
                dataIndex: 'deliveredAt',
                render: (v, d) => (v ? <DateTime value={v} /> : d.status === 'PENDING' ? <Typography.Text type="secondary">{t('webhooks.nextAttempt')} <DateTime value={d.nextAttemptAt} /></Typography.Text> : '—'),
              },
              {
                title: t('common.actions'),
                render: (_, d) => (
                  <Button size="small" disabled={d.status === 'PENDING'} onClick={() => void act(() => replay.run({ id: d.id }), t('webhooks.replayed'))}>
                    {t('webhooks.replay')}
                  </Button>
                ),
              },
            ]}
          />
          <CursorPager page={pages.page} hasNext={!!conn?.pageInfo.hasNextPage} onPrev={pages.prev} onNext={() => pages.next(conn?.pageInfo.endCursor)} totalCount={conn?.totalCount} loading={deliveries.loading} />
        </Card>
      )}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('webhooks.create') : t('webhooks.edit')}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={create.loading || update.loading}
        onOk={submit}
        onCancel={() => setEditing(null)}
        destroyOnClose
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="url"
            label={t('webhooks.url')}
            extra={t('webhooks.urlHint')}
            rules={[{ required: true, message: t('validation.required') }, { pattern: /^https?:\/\/\S+$/, message: t('webhooks.urlInvalid') }]}
          >
            <Input placeholder="https://erp.example.com/hooks/creditloop" />
          </Form.Item>
          <Form.Item name="description" label={t('webhooks.description')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="events" label={t('webhooks.events')} extra={t('webhooks.eventsHint')}>
            <Select mode="multiple" allowClear placeholder={t('webhooks.allEvents')} options={events.map((e) => ({ value: e, label: e }))} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretReveal secret={secret} title={t('apiKeys.secretTitle')} text={t('webhooks.secretText')} onClose={() => setSecret(null)} />
    </>
  );
}
