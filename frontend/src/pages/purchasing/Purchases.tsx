import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Segmented, Space, Table, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { ApprovePurchaseMutation, PolicyQuery, PurchaseOrdersQuery, RejectPurchaseMutation, RequestPurchaseMutation } from '../../api/operations';
import { DateTime, Money, PageHeader, StatusTag, useFeedback, useTableLocale } from '../../components/common';
import { amountRules } from '../../lib/validation';
import { compareMoney, formatMoney, isValidAmount, normalizeAmount, toFen } from '../../lib/money';
import { useIdempotencyKey } from '../../lib/idempotency';
import type { PurchaseOrdersQuery as PO, PurchaseStatus } from '../../gql/graphql';

type Order = PO['purchaseOrders'][number];

/** price / face as a percentage with two decimals, computed in integers. */
export function discountPercent(face: string, price: string): string {
  const f = toFen(face);
  if (f === 0n) return '—';
  const bp = (toFen(price) * 1000000n) / f; // percent × 10^4
  const rounded = (bp + 50n) / 100n;
  return `${rounded / 100n}.${(rounded % 100n).toString().padStart(2, '0')}%`;
}

function RequestModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const req = useMutation(RequestPurchaseMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const face = Form.useWatch('faceValue', form);
  const price = Form.useWatch('price', form);
  const submit = async () => {
    const v = await form.validateFields();
    const vars = { faceValue: normalizeAmount(v.faceValue), price: normalizeAmount(v.price), supplier: v.supplier.trim() };
    try {
      await req.run({ ...vars, idempotencyKey: idem.key(vars) });
      idem.done();
      fb.success(t('purchase.requested'));
      form.resetFields();
      onDone();
    } catch (e) {
      fb.error(e);
    }
  };
  return (
    <Modal open={open} title={t('purchase.new')} onCancel={onClose} onOk={submit} okText={t('common.submit')} cancelText={t('common.cancel')} confirmLoading={req.loading} destroyOnHidden>
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="faceValue" label={t('purchase.faceValue')} rules={amountRules(t)}>
          <Input prefix="¥" inputMode="decimal" />
        </Form.Item>
        <Form.Item
          name="price"
          label={t('purchase.price')}
          dependencies={['faceValue']}
          rules={[
            ...amountRules(t),
            ({ getFieldValue }) => ({
              validator: (_, v) => {
                const f = getFieldValue('faceValue');
                if (isValidAmount(v) && isValidAmount(f) && compareMoney(v, f) >= 0) return Promise.reject(new Error(t('purchase.priceTooHigh')));
                return Promise.resolve();
              },
            }),
          ]}
          extra={isValidAmount(face) && isValidAmount(price) ? `${t('purchase.discount')}：${discountPercent(face, price)}` : undefined}
        >
          <Input prefix="¥" inputMode="decimal" />
        </Form.Item>
        <Form.Item name="supplier" label={t('purchase.supplier')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input maxLength={120} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function Purchases() {
  const { t } = useI18n();
  const { can, viewer } = useSession();
  const [status, setStatus] = useState<PurchaseStatus | 'ALL'>('PENDING_APPROVAL');
  const q = useQuery(PurchaseOrdersQuery, { first: 200, status: status === 'ALL' ? null : status });
  const policy = useQuery(PolicyQuery);
  const approve = useMutation(ApprovePurchaseMutation);
  const reject = useMutation(RejectPurchaseMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [requesting, setRequesting] = useState(false);
  const [rejecting, setRejecting] = useState<Order | null>(null);
  const [approving, setApproving] = useState<Order | null>(null);
  const [reason, setReason] = useState('');
  const locale = useTableLocale(q.error, q.refetch);
  const me = viewer?.user?.id;

  const doApprove = async () => {
    if (!approving) return;
    try {
      await approve.run({ id: approving.id, idempotencyKey: idem.key({ approve: approving.id }) });
      idem.done();
      fb.success(t('purchase.approved'));
      setApproving(null);
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };
  const doReject = async () => {
    if (!rejecting || !reason.trim()) return;
    try {
      await reject.run({ id: rejecting.id, reason: reason.trim() });
      fb.success(t('purchase.rejected'));
      setRejecting(null);
      setReason('');
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  return (
    <>
      <PageHeader
        title={t('purchase.title')}
        crumbs={[{ label: t('nav.purchasing') }, { label: t('nav.purchases') }]}
        extra={can('purchases.request') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setRequesting(true)}>{t('purchase.new')}</Button>}
      />
      {policy.data && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('purchase.threshold', { amount: formatMoney(policy.data.tenant.policy.purchaseApprovalThreshold) })} />
      )}
      <Card>
        <Segmented
          style={{ marginBottom: 16 }}
          value={status}
          onChange={(v) => setStatus(v as PurchaseStatus | 'ALL')}
          options={[
            { value: 'PENDING_APPROVAL', label: t('purchaseStatus.PENDING_APPROVAL') },
            { value: 'APPROVED', label: t('purchaseStatus.APPROVED') },
            { value: 'REJECTED', label: t('purchaseStatus.REJECTED') },
            { value: 'ALL', label: t('common.all') },
          ]}
        />
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={q.data?.purchaseOrders ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 960 }}
          columns={[
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v) => <DateTime value={v} /> },
            { title: t('purchase.faceValue'), dataIndex: 'faceValue', align: 'right', render: (v) => <Money value={v} /> },
            { title: t('purchase.price'), dataIndex: 'price', align: 'right', render: (v) => <Money value={v} /> },
            { title: t('purchase.discount'), align: 'right', render: (_, r) => <span className="money">{discountPercent(r.faceValue, r.price)}</span> },
            { title: t('purchase.supplier'), dataIndex: 'supplier' },
            { title: t('purchase.requestedBy'), render: (_, r) => r.requestedBy.name },
            { title: t('common.status'), dataIndex: 'status', render: (v, r) => (<Space direction="vertical" size={0}><StatusTag prefix="purchaseStatus" value={v} />{r.reason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.reason}</Typography.Text>}</Space>) },
            { title: t('purchase.decidedBy'), render: (_, r) => (r.decidedBy ? <>{r.decidedBy.name}<br /><DateTime value={r.decidedAt} /></> : '—') },
            {
              title: t('common.actions'),
              fixed: 'right',
              render: (_, r) =>
                r.status === 'PENDING_APPROVAL' && can('purchases.approve') ? (
                  <Space>
                    <Tooltip title={r.requestedBy.id === me ? t('purchase.ownRequest') : undefined}>
                      <Button size="small" type="primary" disabled={r.requestedBy.id === me} onClick={() => setApproving(r)}>
                        {t('common.approve')}
                      </Button>
                    </Tooltip>
                    <Button size="small" danger onClick={() => setRejecting(r)}>
                      {t('common.reject')}
                    </Button>
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
      <RequestModal open={requesting} onClose={() => setRequesting(false)} onDone={() => { setRequesting(false); void q.refetch(); }} />
      <Modal open={!!approving} title={t('common.approve')} okText={t('common.approve')} cancelText={t('common.cancel')} confirmLoading={approve.loading} onOk={doApprove} onCancel={() => setApproving(null)}>
        {approving && <Typography.Paragraph>{t('purchase.approveConfirm', { price: formatMoney(approving.price), face: formatMoney(approving.faceValue) })}</Typography.Paragraph>}
      </Modal>
      <Modal
        open={!!rejecting}
        title={t('purchase.rejectTitle')}
        okText={t('common.reject')}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        cancelText={t('common.cancel')}
        confirmLoading={reject.loading}
        onOk={doReject}
        onCancel={() => setRejecting(null)}
      >
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('common.reason')} aria-label={t('common.reason')} maxLength={500} />
      </Modal>
    </>
  );
}
