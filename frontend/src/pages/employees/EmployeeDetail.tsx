import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Descriptions, Modal, Result, Row, Statistic, Table, Tag, Typography } from 'antd';
import { GiftOutlined, MobileOutlined, StopOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useCursorPages, useMutation, useQuery } from '../../api/hooks';
import { DeactivateUserMutation, UserDetailQuery } from '../../api/operations';
import { CursorPager, DataState, DateTime, Money, PageHeader, RoleTags, StatusTag, useFeedback, useTableLocale } from '../../components/common';
import EntryTable from '../../components/EntryTable';
import TopupForModal from '../../components/TopupForModal';
import { compareMoney, formatMoney, subtractMoney } from '../../lib/money';
import { useIdempotencyKey } from '../../lib/idempotency';
import { PAGE_SIZE } from '../../config';
import { formatDate } from '../../lib/time';

export default function EmployeeDetail() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const { can, timezone } = useSession();
  const navigate = useNavigate();
  const pages = useCursorPages(PAGE_SIZE, id);
  const q = useQuery(UserDetailQuery, { id, first: pages.first, after: pages.after });
  const deactivate = useMutation(DeactivateUserMutation);
  const idem = useIdempotencyKey();
  const fb = useFeedback();
  const [confirming, setConfirming] = useState(false);
  const [toppingUp, setToppingUp] = useState(false);
  const user = q.data?.user;
  const wallet = user?.wallet;
  const lotsLocale = useTableLocale();

  const returning = wallet ? subtractMoney(wallet.balance, wallet.held) : '0.00';

  const doDeactivate = async () => {
    if (!user) return;
    try {
      await deactivate.run({ id: user.id, idempotencyKey: idem.key({ op: 'deactivate', id: user.id }) });
      idem.done();
      fb.success(t('employees.deactivated', { amount: formatMoney(returning) }));
      setConfirming(false);
      void q.refetch();
    } catch (e) {
      fb.error(e);
    }
  };

  if (!q.loading && !q.error && !user) {
    return <Result status="404" title={t('employees.notFound')} extra={<Button onClick={() => navigate('/employees')}>{t('common.back')}</Button>} />;
  }

  return (
    <>
      <PageHeader
        title={user?.name ?? t('employees.detail')}
        crumbs={[{ label: t('nav.employees') }, { label: t('nav.employeeList'), to: '/employees' }, { label: user?.name ?? t('employees.detail') }]}
        extra={
          user && (
            <>
              {can('grants.create') && wallet && user.status === 'ACTIVE' && (
                <Link to={`/distribution/grant?employee=${encodeURIComponent(user.id)}`}>
                  <Button type="primary" icon={<GiftOutlined />}>{t('employees.grant')}</Button>
                </Link>
              )}
              {can('topups.create_for') && wallet && user.status === 'ACTIVE' && (
                <Button icon={<MobileOutlined />} onClick={() => setToppingUp(true)}>{t('employees.topupFor')}</Button>
              )}
              {can('users.deactivate') && user.status !== 'DEACTIVATED' && (
                <Button danger icon={<StopOutlined />} onClick={() => setConfirming(true)}>
                  {t('employees.deactivate')}
                </Button>
              )}
            </>
          )
        }
      />
      <DataState loading={q.loading && !user} error={q.error} onRetry={q.refetch}>
        {user && (
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={9}>
              <Card title={t('employees.detail')}>
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={t('common.email')}>{user.email}</Descriptions.Item>
                  <Descriptions.Item label={t('employees.employeeNo')}>{user.employeeNo ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('common.phone')}>{user.phone ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('employees.department')}>{user.department ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('employees.costCenter')}>{user.costCenter ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('employees.roles')}><RoleTags roles={user.roles} /></Descriptions.Item>
                  <Descriptions.Item label={t('common.status')}><StatusTag prefix="userStatus" value={user.status} /></Descriptions.Item>
                  <Descriptions.Item label={t('common.createdAt')}><DateTime value={user.createdAt} /></Descriptions.Item>
                  <Descriptions.Item label={t('employees.lastLogin')}><DateTime value={user.lastLoginAt} /></Descriptions.Item>
                </Descriptions>
              </Card>
            </Col>
            <Col xs={24} xl={15}>
              <Card title={t('employees.wallet')}>
                {!wallet ? (
                  <Typography.Text type="secondary">{t('employees.noWallet')}</Typography.Text>
                ) : (
                  <>
                    <Row gutter={16}>
                      <Col span={8}><Statistic title={t('employees.balance')} value={formatMoney(wallet.balance)} /></Col>
                      <Col span={8}><Statistic title={t('employees.available')} value={formatMoney(wallet.available)} /></Col>
                      <Col span={8}><Statistic title={t('employees.held')} value={formatMoney(wallet.held)} /></Col>
                    </Row>
                    {wallet.nextExpiry && (
                      <Alert style={{ marginTop: 16 }} type="info" showIcon message={t('portal.nextExpiry', { amount: formatMoney(wallet.nextExpiryAmount), date: formatDate(wallet.nextExpiry, timezone) })} />
                    )}
                    <Typography.Title level={5} style={{ marginTop: 20 }}>{t('employees.lots')}</Typography.Title>
                    <Table
                      rowKey="id"
                      size="small"
                      pagination={false}
                      locale={lotsLocale}
                      dataSource={wallet.lots}
                      scroll={{ x: 520 }}
                      columns={[
                        { title: t('employees.lotOriginal'), dataIndex: 'original', align: 'right', render: (v) => <Money value={v} /> },
                        { title: t('employees.lotRemaining'), dataIndex: 'remaining', align: 'right', render: (v) => <Money value={v} /> },
                        { title: t('employees.lotExpires'), dataIndex: 'expiresAt', render: (v, r) => (<>{<DateTime value={v} />} {r.expired && <Tag>{t('employees.lotExpired')}</Tag>}</>) },
                        { title: t('common.memo'), dataIndex: 'memo', render: (v) => v || '—' },
                      ]}
                    />
                  </>
                )}
              </Card>
              {wallet && (
                <Card title={t('employees.history')} style={{ marginTop: 16 }}>
                  <EntryTable rows={wallet.entries.edges.map((e) => e.node)} loading={q.loading} walletView />
                  <CursorPager
                    page={pages.page}
                    totalCount={wallet.entries.totalCount}
                    hasNext={wallet.entries.pageInfo.hasNextPage}
                    loading={q.loading}
                    onPrev={pages.prev}
                    onNext={() => pages.next(wallet.entries.pageInfo.endCursor)}
                  />
                </Card>
              )}
            </Col>
          </Row>
        )}
      </DataState>
      <TopupForModal employee={toppingUp && user ? user : null} onClose={() => setToppingUp(false)} onDone={() => { setToppingUp(false); void q.refetch(); }} />
      <Modal
        open={confirming}
        title={t('employees.deactivateTitle', { name: user?.name ?? '' })}
        okText={t('employees.deactivate')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        confirmLoading={deactivate.loading}
        onOk={doDeactivate}
        onCancel={() => setConfirming(false)}
      >
        {wallet ? (
          <>
            <Typography.Paragraph>{t('employees.deactivateReturn')}</Typography.Paragraph>
            <Statistic title={t('employees.deactivateReturnAmount')} value={formatMoney(returning)} valueStyle={{ color: '#1f4fd1' }} />
            {wallet.lots.filter((l) => compareMoney(l.remaining, '0') > 0).length > 0 && (
              <Table
                style={{ marginTop: 12 }}
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={wallet.lots.filter((l) => compareMoney(l.remaining, '0') > 0)}
                columns={[
                  { title: t('employees.lotRemaining'), dataIndex: 'remaining', align: 'right', render: (v) => <Money value={v} /> },
                  { title: t('employees.lotExpires'), dataIndex: 'expiresAt', render: (v) => <DateTime value={v} dateOnly /> },
                  { title: t('common.memo'), dataIndex: 'memo', render: (v) => v || '—' },
                ]}
              />
            )}
            {compareMoney(wallet.held, '0') > 0 && <Alert style={{ marginTop: 12 }} type="warning" showIcon message={t('employees.deactivateHeldWarn', { held: formatMoney(wallet.held) })} />}
          </>
        ) : null}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('employees.deactivateIrreversible')}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
