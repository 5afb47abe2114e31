import { lazy, Suspense, useMemo } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Badge, Button, Card, Col, List, Row, Skeleton, Statistic, Tooltip, Typography } from 'antd';
import { useI18n } from '../i18n';
import { useSession } from '../auth/session';
import { useQuery } from '../api/hooks';
import { CashoutsQuery, DisputesQuery, EntriesQuery, PolicyQuery, PurchaseOrdersQuery, RecyclesQuery, ReviewQueueQuery, TenantBalancesQuery } from '../api/operations';
import { DataState, ErrorAlert, PageHeader } from '../components/common';
import { compareMoney, formatMoney } from '../lib/money';
import { buildDailySeries } from '../lib/series';
import { startOfDayUtc, todayIn } from '../lib/time';
import { DASHBOARD_DAYS, DASHBOARD_ENTRY_LIMIT, LOW_FUNDING_THRESHOLD, LOW_POOL_THRESHOLD } from '../config';
import { describeError } from '../api/errors';

const ActivityChart = lazy(() => import('./ActivityChart'));

function PendingCount({ label, to, state }: { label: string; to: string; state: { loading: boolean; error: unknown; count?: number } }) {
  const { t } = useI18n();
  let value: React.ReactNode;
  if (state.loading) value = <Skeleton.Button active size="small" />;
  else if (state.error) value = <Tooltip title={describeError(t, state.error).title}><Typography.Text type="secondary">—</Typography.Text></Tooltip>;
  else value = <Badge count={state.count ?? 0} showZero color={state.count ? '#fa8c16' : '#bfbfbf'} overflowCount={999} />;
  return (
    <List.Item actions={[<Link key="v" to={to}>{t('dashboard.view')}</Link>]}>
      <List.Item.Meta title={label} />
      {value}
    </List.Item>
  );
}

export default function Dashboard() {
  const { t } = useI18n();
  const { timezone, can } = useSession();
  const balances = useQuery(TenantBalancesQuery);
  const policy = useQuery(PolicyQuery);
  const lowPoolLevel = policy.data?.tenant.policy.lowPoolThreshold ?? LOW_POOL_THRESHOLD;
  const from = useMemo(() => startOfDayUtc(todayIn(timezone).subtract(DASHBOARD_DAYS - 1, 'day'), timezone), [timezone]);
  const entries = useQuery(EntriesQuery, { first: DASHBOARD_ENTRY_LIMIT, filter: { from } }, { skip: !can('entries.read') });
  const purchases = useQuery(PurchaseOrdersQuery, { status: 'PENDING_APPROVAL', first: 200 }, { skip: !can('purchases.read') && !can('purchases.approve') });
  const reviews = useQuery(ReviewQueueQuery, undefined, { skip: !can('reviews.decide') });
  const recycleReviews = useQuery(RecyclesQuery, { status: 'REVIEW', first: 200 }, { skip: !can('reviews.decide') });
  const cashoutReviews = useQuery(CashoutsQuery, { status: 'REVIEW', first: 200 }, { skip: !can('reviews.decide') });
  const reviewCount = reviews.data ? reviews.data.reviewQueue.length + (recycleReviews.data?.recycles.length ?? 0) + (cashoutReviews.data?.cashouts.length ?? 0) : undefined;
  const disputes = useQuery(DisputesQuery, { status: 'OPEN' }, { skip: !can('disputes.read') });

  const series = useMemo(
    () => (entries.data ? buildDailySeries(entries.data.entries.edges.map((e) => e.node), DASHBOARD_DAYS, timezone) : []),
    [entries.data, timezone],
  );
  const hasActivity = series.some((d) => d.granted || d.spent || d.expired || d.recycled);
  const b = balances.data?.tenant.balances;
  const lowPool = b && compareMoney(b.pool, lowPoolLevel) < 0;
  const lowFunding = b && compareMoney(b.funding, LOW_FUNDING_THRESHOLD) < 0;

  const pendings = [
    can('purchases.read') || can('purchases.approve')
      ? { label: t('dashboard.pendingPurchases'), to: '/purchasing/purchases', state: { loading: purchases.loading, error: purchases.error, count: purchases.data?.purchaseOrders.length } }
      : null,
    can('reviews.decide')
      ? { label: t('dashboard.pendingReviews'), to: '/finance/reviews', state: { loading: reviews.loading, error: reviews.error, count: reviewCount } }
      : null,
    can('disputes.read')
      ? { label: t('dashboard.openDisputes'), to: '/finance/disputes', state: { loading: disputes.loading, error: disputes.error, count: disputes.data?.disputes.length } }
      : null,
  ].filter(Boolean) as Array<{ label: string; to: string; state: { loading: boolean; error: unknown; count?: number } }>;

  const stat = (title: string, value?: string) => (
    <Card className="stat-card">
      {balances.loading ? <Skeleton active paragraph={{ rows: 1 }} /> : <Statistic title={title} value={formatMoney(value)} />}
    </Card>
  );

  return (
    <>
      <PageHeader title={t('dashboard.title')} subtitle={t('common.timezoneNote', { tz: timezone })} />
      {balances.error && <ErrorAlert error={balances.error} onRetry={balances.refetch} />}
      {lowPool && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('dashboard.lowPool')}
          description={t('dashboard.lowPoolText', { pool: formatMoney(b.pool), threshold: formatMoney(lowPoolLevel) })}
          action={can('purchases.request') ? <Link to="/purchasing/purchases"><Button size="small">{t('dashboard.requestPurchase')}</Button></Link> : undefined}
          data-testid="low-pool"
        />
      )}
      {lowFunding && !lowPool && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('dashboard.lowFunding')} description={t('dashboard.lowFundingText', { funding: formatMoney(b.funding) })} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} xl={6}>{stat(t('dashboard.pool'), b?.pool)}</Col>
        <Col xs={24} sm={12} xl={6}>{stat(t('dashboard.funding'), b?.funding)}</Col>
        <Col xs={24} sm={12} xl={6}>{stat(t('dashboard.granted'), b?.granted)}</Col>
        <Col xs={24} sm={12} xl={6}>{stat(t('dashboard.payout'), b?.payout)}</Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={pendings.length ? 17 : 24}>
          <Card
            title={t('dashboard.activity', { days: DASHBOARD_DAYS })}
            extra={entries.data && entries.data.entries.edges.length >= DASHBOARD_ENTRY_LIMIT ? <Typography.Text type="secondary">{t('dashboard.chartTruncated', { count: DASHBOARD_ENTRY_LIMIT })}</Typography.Text> : null}
          >
            <DataState loading={entries.loading} error={entries.error} onRetry={entries.refetch} empty={!hasActivity} emptyText={t('dashboard.noActivity')}>
              <Suspense fallback={<Skeleton active />}>
                <ActivityChart data={series} />
              </Suspense>
            </DataState>
          </Card>
        </Col>
        {pendings.length > 0 && (
          <Col xs={24} xl={7}>
            <Card title={t('dashboard.pending')}>
              <List dataSource={pendings} renderItem={(p) => <PendingCount {...p} />} />
            </Card>
          </Col>
        )}
      </Row>
    </>
  );
}
