import { useState } from 'react';
import { Alert, Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Tooltip } from 'antd';
import { ClearOutlined, PauseCircleOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { CreateScheduleMutation, RunExpirySweepMutation, SchedulesQuery, SetSchedulePausedMutation } from '../../api/operations';
import { DateTime, Money, PageHeader, useFeedback, useTableLocale } from '../../components/common';
import UserPicker from '../../components/UserPicker';
import { amountRules } from '../../lib/validation';
import { formatMoney, normalizeAmount } from '../../lib/money';
import { dayjs } from '../../lib/time';
import type { ScheduleFrequency, ScheduleTarget, SchedulesQuery as SchedulesData } from '../../gql/graphql';

type Schedule = SchedulesData['schedules'][number];

function CreateModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { timezone } = useSession();
  const [form] = Form.useForm();
  const create = useMutation(CreateScheduleMutation);
  const fb = useFeedback();
  const frequency: ScheduleFrequency = Form.useWatch('frequency', form) ?? 'MONTHLY';
  const target: ScheduleTarget = Form.useWatch('target', form) ?? 'ALL';
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await create.run({
        input: {
          name: v.name.trim(),
          amount: normalizeAmount(v.amount),
          frequency: v.frequency,
          dayOfMonth: v.frequency === 'MONTHLY' ? v.dayOfMonth : null,
          dayOfWeek: v.frequency === 'WEEKLY' ? v.dayOfWeek : null,
          runAt: v.frequency === 'ONCE' && v.runAt ? dayjs.tz(v.runAt.format('YYYY-MM-DD HH:mm'), timezone).utc().format() : null,
          target: v.target,
          department: v.target === 'DEPARTMENT' ? v.department : null,
          employeeIds: v.target === 'LIST' ? v.employeeIds : null,
          expireAtPeriodEnd: !!v.expireAtPeriodEnd,
          expiryDays: v.expireAtPeriodEnd ? null : v.expiryDays,
        },
      });
      fb.success(t('schedule.created'));
      form.resetFields();
      onDone();
    } catch (e) {
      fb.error(e);
    }
  };
  return (
    <Modal open={open} title={t('schedule.create')} onCancel={onClose} onOk={submit} okText={t('common.submit')} cancelText={t('common.cancel')} confirmLoading={create.loading} width={560} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ frequency: 'MONTHLY', dayOfMonth: 1, dayOfWeek: 1, target: 'ALL', expireAtPeriodEnd: true, expiryDays: 30 }} preserve={false}>
        <Form.Item name="name" label={t('schedule.name')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input maxLength={80} />
        </Form.Item>
        <Form.Item name="amount" label={t('common.amount')} rules={amountRules(t)}>
          <Input prefix="¥" inputMode="decimal" style={{ maxWidth: 200 }} />
        </Form.Item>
        <Form.Item name="frequency" label={t('schedule.frequency')}>
          <Radio.Group optionType="button" options={(['MONTHLY', 'WEEKLY', 'ONCE'] as const).map((f) => ({ value: f, label: t(`schedule.freq.${f}`) }))} />
        </Form.Item>
        {frequency === 'MONTHLY' && (
          <Form.Item name="dayOfMonth" label={t('schedule.dayOfMonth')} rules={[{ required: true, message: t('validation.required') }]}>
            <InputNumber min={1} max={28} precision={0} />
          </Form.Item>
        )}
        {frequency === 'WEEKLY' && (
          <Form.Item name="dayOfWeek" label={t('schedule.dayOfWeek')}>
            <Select style={{ maxWidth: 200 }} options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t(`schedule.weekday.${d}` as 'schedule.weekday.1') }))} />
          </Form.Item>
        )}
        {frequency === 'ONCE' && (
          <Form.Item name="runAt" label={t('schedule.runAt')} rules={[{ required: true, message: t('validation.required') }]} extra={t('common.timezoneNote', { tz: timezone })}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        )}
        <Form.Item name="target" label={t('schedule.target')}>
          <Radio.Group options={(['ALL', 'DEPARTMENT', 'LIST'] as const).map((x) => ({ value: x, label: t(`schedule.target.${x}`) }))} />
        </Form.Item>
        {target === 'DEPARTMENT' && (
          <Form.Item name="department" label={t('employees.department')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input />
          </Form.Item>
        )}
        {target === 'LIST' && (
          <Form.Item name="employeeIds" label={t('schedule.employees')} rules={[{ required: true, message: t('validation.required') }]}>
            <UserPicker mode="multiple" />
          </Form.Item>
        )}
        <Form.Item name="expireAtPeriodEnd" valuePropName="checked">
          <Checkbox>{t('schedule.expireAtPeriodEnd')}</Checkbox>
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.expireAtPeriodEnd !== b.expireAtPeriodEnd}>
          {({ getFieldValue }) =>
            !getFieldValue('expireAtPeriodEnd') && (
              <Form.Item name="expiryDays" label={t('schedule.expiryDays')} rules={[{ required: true, message: t('validation.required') }]}>
                <InputNumber min={1} max={366} precision={0} />
              </Form.Item>
            )
          }
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function Schedules() {
  const { t, te } = useI18n();
  const { can } = useSession();
  const q = useQuery(SchedulesQuery);
  const setPaused = useMutation(SetSchedulePausedMutation);
  const fb = useFeedback();
  const [creating, setCreating] = useState(false);
  const sweep = useMutation(RunExpirySweepMutation);
  const [swept, setSwept] = useState<string | null>(null);
  const locale = useTableLocale(q.error, q.refetch);

  const when = (s: Schedule) =>
    s.frequency === 'MONTHLY'
      ? `${t('schedule.freq.MONTHLY')} ${s.dayOfMonth ?? 1}`
      : s.frequency === 'WEEKLY'
        ? `${t('schedule.freq.WEEKLY')} · ${s.dayOfWeek ? t(`schedule.weekday.${s.dayOfWeek}` as 'schedule.weekday.1') : ''}`
        : t('schedule.freq.ONCE');

  return (
    <>
      <PageHeader
        title={t('schedule.title')}
        crumbs={[{ label: t('nav.distribution') }, { label: t('nav.schedules') }]}
        extra={
          <>
            {can('sweeps.run') && (
              <Popconfirm
                title={t('schedule.sweep')}
                description={t('schedule.sweepConfirm')}
                okText={t('common.confirm')}
                cancelText={t('common.cancel')}
                onConfirm={async () => {
                  try {
                    const r = await sweep.run({});
                    setSwept(t('schedule.sweepDone', { lots: r.runExpirySweep.lots, total: formatMoney(r.runExpirySweep.total) }));
                  } catch (e) {
                    fb.error(e);
                  }
                }}
              >
                <Button icon={<ClearOutlined />} loading={sweep.loading}>{t('schedule.sweep')}</Button>
              </Popconfirm>
            )}
            {can('schedules.manage') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('schedule.create')}</Button>}
          </>
        }
      />
      {swept && <Alert type="success" showIcon closable message={swept} onClose={() => setSwept(null)} style={{ marginBottom: 16 }} />}
      <Card>
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={q.data?.schedules ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 900 }}
          expandable={{
            expandedRowRender: (s) => (
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={s.runs}
                title={() => t('schedule.runs')}
                columns={[
                  { title: t('schedule.period'), dataIndex: 'period' },
                  { title: t('schedule.startedAt'), dataIndex: 'startedAt', render: (v) => <DateTime value={v} /> },
                  { title: t('schedule.finishedAt'), dataIndex: 'finishedAt', render: (v) => <DateTime value={v} /> },
                  { title: t('schedule.count'), dataIndex: 'count', align: 'right' },
                  { title: t('common.amount'), dataIndex: 'total', align: 'right', render: (v) => <Money value={v} /> },
                  { title: t('common.status'), dataIndex: 'status', render: (v: string, r) => <Tooltip title={r.error ?? undefined}><Tag color={v === 'FAILED' ? 'red' : 'green'}>{v}</Tag></Tooltip> },
                ]}
              />
            ),
          }}
          columns={[
            { title: t('schedule.name'), dataIndex: 'name' },
            { title: t('common.amount'), dataIndex: 'amount', align: 'right', render: (v) => <Money value={v} /> },
            { title: t('schedule.frequency'), render: (_, s) => when(s) },
            { title: t('schedule.target'), render: (_, s) => (s.target === 'DEPARTMENT' ? `${te('schedule.target', s.target)}：${s.department}` : te('schedule.target', s.target)) },
            { title: t('schedule.nextRun'), dataIndex: 'nextRunAt', render: (v) => <DateTime value={v} /> },
            {
              title: t('common.status'),
              dataIndex: 'paused',
              render: (p: boolean, s) => (
                <>
                  {p ? <Tag>{t('schedule.paused')}</Tag> : <Tag color="green">{t('schedule.active')}</Tag>}
                  {s.lastError && (
                    <Tooltip title={t('schedule.lastError', { error: s.lastError })}>
                      <Tag color="red">!</Tag>
                    </Tooltip>
                  )}
                </>
              ),
            },
            {
              title: t('common.actions'),
              render: (_, s) =>
                can('schedules.manage') && (
                  <Space>
                    <Button
                      size="small"
                      icon={s.paused ? <PlayCircleOutlined /> : <PauseCircleOutlined />}
                      onClick={async () => {
                        try {
                          await setPaused.run({ id: s.id, paused: !s.paused });
                          void q.refetch();
                        } catch (e) {
                          fb.error(e);
                        }
                      }}
                    >
                      {s.paused ? t('schedule.resume') : t('schedule.pause')}
                    </Button>
                  </Space>
                ),
            },
          ]}
        />
      </Card>
      <CreateModal open={creating} onClose={() => setCreating(false)} onDone={() => { setCreating(false); void q.refetch(); }} />
    </>
  );
}
