import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Radio, Segmented, Table } from 'antd';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { DisputesQuery, ResolveDisputeMutation } from '../../api/operations';
import { DateTime, Money, PageHeader, StatusTag, useFeedback, useTableLocale } from '../../components/common';
import { useIdempotencyKey } from '../../lib/idempotency';
import type { DisputesQuery as DQ } from '../../gql/graphql';

type DisputeStatus = 'OPEN' | 'REFUNDED' | 'REJECTED';

type Dispute = DQ['disputes'][number];

export default function Disputes() {
  const { t, te } = useI18n();
  const { can } = useSession();
  const [status, setStatus] = useState<DisputeStatus | 'ALL'>('OPEN');
  const q = useQuery(DisputesQuery, { status: status === 'ALL' ? null : status });
  const resolve = useMutation(ResolveDisputeMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [current, setCurrent] = useState<Dispute | null>(null);
  const [form] = Form.useForm();
  const locale = useTableLocale(q.error, q.refetch);

  const submit = async () => {
    if (!current) return;
    const v = await form.validateFields();
    const vars = { id: current.id, refund: v.outcome === 'refund', resolution: v.resolution.trim() };
    try {
      await resolve.run({ ...vars, idempotencyKey: idem.key(vars) });
      idem.done();
      fb.success(t('disputes.resolved'));
      setCurrent(null);
      form.resetFields();
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <PageHeader title={t('disputes.title')} crumbs={[{ label: t('nav.finance') }, { label: t('nav.disputes') }]} />
      <Card>
        <Segmented
          style={{ marginBottom: 16 }}
          value={status}
          onChange={(v) => setStatus(v as DisputeStatus | 'ALL')}
          options={[
            { value: 'OPEN', label: t('disputeStatus.OPEN') },
            { value: 'REFUNDED', label: t('disputeStatus.REFUNDED') },
            { value: 'REJECTED', label: t('disputeStatus.REJECTED') },
            { value: 'ALL', label: t('common.all') },
          ]}
        />
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={q.data?.disputes ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 960 }}
          columns={[
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
            { title: t('disputes.employee'), render: (_, d) => d.topup.user.name },
            { title: t('disputes.topup'), render: (_, d) => <>{d.topup.phone} · {te('operator', d.topup.operator)} · <Money value={d.topup.amount} /> <StatusTag prefix="topupStatus" value={d.topup.status} /></> },
            { title: t('common.reason'), dataIndex: 'reason' },
            { title: t('common.status'), dataIndex: 'status', render: (v) => <StatusTag prefix="disputeStatus" value={v} /> },
            { title: t('disputes.resolution'), dataIndex: 'resolution', render: (v) => v || '—' },
            {
              title: t('common.actions'),
              render: (_, d) => can('disputes.resolve') && d.status === 'OPEN' && <Button size="small" type="primary" onClick={() => setCurrent(d)}>{t('disputes.resolve')}</Button>,
            },
          ]}
        />
      </Card>
      <Modal open={!!current} title={t('disputes.resolveTitle')} okText={t('common.submit')} cancelText={t('common.cancel')} confirmLoading={resolve.loading} onOk={submit} onCancel={() => setCurrent(null)} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ outcome: 'refund' }} preserve={false}>
          <Form.Item name="outcome">
            <Radio.Group>
              <Radio value="refund">{t('disputes.refund')}</Radio>
              <Radio value="reject">{t('disputes.rejectDispute')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="resolution" label={t('disputes.resolution')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
