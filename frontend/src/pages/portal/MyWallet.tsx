import { Link } from 'react-router-dom';
import { Button, Card, Col, Empty, Flex, List, Row, Statistic, Tag, Typography } from 'antd';
import { MobileOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useCursorPages, useQuery } from '../../api/hooks';
import { MyTopupsQuery, MyWalletQuery } from '../../api/operations';
import { CursorPager, DataState, DateTime, Money, PageHeader, StatusTag } from '../../components/common';
import { compareMoney, formatMoney } from '../../lib/money';
import { formatDate } from '../../lib/time';

const OUTGOING = new Set(['TOPUP_HOLD', 'EXPIRE', 'RECLAIM', 'CASHOUT']);

export default function MyWallet() {
  const { t, te } = useI18n();
  const { timezone, can } = useSession();
  const pages = useCursorPages(20, 'wallet');
  const q = useQuery(MyWalletQuery, { first: pages.first, after: pages.after });
  const topups = useQuery(MyTopupsQuery, { first: 5 });
  const w = q.data?.myWallet;
  const lots = (w?.lots ?? []).filter((l) => !l.expired && compareMoney(l.remaining, '0') > 0);

  return (
    <>
      <PageHeader title={t('nav.wallet')} />
      <DataState loading={q.loading && !w} error={q.error} onRetry={q.refetch} empty={!q.loading && !w} emptyText={t('portal.noWallet')}>
        {w && (
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={10}>
              <div className="portal-hero" data-testid="wallet-hero">
                <Statistic title={t('portal.balance')} value={formatMoney(w.available)} valueStyle={{ fontSize: 36, fontWeight: 600 }} />
                <Flex gap={24} style={{ marginTop: 8 }} wrap>
                  <Typography.Text>{t('portal.posted')} {formatMoney(w.balance)}</Typography.Text>
                  {compareMoney(w.held, '0') > 0 && <Typography.Text>{t('portal.held')} {formatMoney(w.held)}</Typography.Text>}
                </Flex>
                <Typography.Paragraph style={{ marginTop: 12, marginBottom: 16, opacity: 0.9 }}>
                  {w.nextExpiry ? t('portal.nextExpiry', { amount: formatMoney(w.nextExpiryAmount), date: formatDate(w.nextExpiry, timezone) }) : t('portal.noExpiry')}
                </Typography.Paragraph>
                {can('topups.create_own') && (
                  <Link to="/me/topup">
                    <Button size="large" icon={<MobileOutlined />} block style={{ fontWeight: 600 }}>
                      {t('portal.topupNow')}
                    </Button>
                  </Link>
                )}
              </div>
              <Card title={t('portal.lots')} style={{ marginTop: 16 }} size="small">
                <List
                  dataSource={lots}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} /> }}
                  renderItem={(l) => (
                    <List.Item extra={<Money value={l.remaining} strong />}>
                      <List.Item.Meta
                        title={l.memo || te('template', 'GRANT')}
                        description={<>{t('employees.lotExpires')} <DateTime value={l.expiresAt} dateOnly /></>}
                      />
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
            <Col xs={24} lg={14}>
              <Card title={t('portal.recentTopups')} size="small" style={{ marginBottom: 16 }}>
                {topups.error ? (
                  <Typography.Text type="secondary">{t('error.loadFailed')}</Typography.Text>
                ) : (
                  <List
                    loading={topups.loading}
                    dataSource={topups.data?.myTopups ?? []}
                    locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} /> }}
                    renderItem={(tp) => (
                      <List.Item extra={<Money value={tp.amount} />}>
                        <List.Item.Meta
                          title={<>{tp.phone} <Tag>{te('operator', tp.operator)}</Tag></>}
                          description={<><DateTime value={tp.createdAt} /> <StatusTag prefix="topupStatus" value={tp.status} /></>}
                        />
                      </List.Item>
                    )}
                  />
                )}
              </Card>
              <Card title={t('portal.history')} size="small">
                <List
                  loading={q.loading}
                  dataSource={w.entries.edges.map((e) => e.node)}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} /> }}
                  renderItem={(e) => {
                    const out = OUTGOING.has(e.template) && !e.amount.startsWith('-');
                    return (
                      <List.Item extra={<Money value={out ? `-${e.amount}` : e.amount} type={out ? undefined : 'success'} />}>
                        <List.Item.Meta
                          title={<>{te('template', e.template)} {e.status !== 'POSTED' && <StatusTag prefix="entryStatus" value={e.status} />}</>}
                          description={<><DateTime value={e.createdAt} />{e.memo ? ` · ${e.memo}` : ''}</>}
                        />
                      </List.Item>
                    );
                  }}
                />
                <CursorPager page={pages.page} totalCount={w.entries.totalCount} hasNext={w.entries.pageInfo.hasNextPage} loading={q.loading} onPrev={pages.prev} onNext={() => pages.next(w.entries.pageInfo.endCursor)} />
              </Card>
            </Col>
          </Row>
        )}
      </DataState>
    </>
  );
}
