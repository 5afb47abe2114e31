import { Alert, Breadcrumb, Button, Empty, Flex, Result, Space, Spin, Tag, Typography, App as AntApp } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useI18n, type MessageKey } from '../i18n';
import { describeError, errorText, toApiError, type ApiError } from '../api/errors';
import { formatMoney, formatRate } from '../lib/money';
import { formatDate, formatDateTime } from '../lib/time';
import { useSession } from '../auth/session';

export function PageHeader({
  title,
  crumbs = [],
  extra,
  subtitle,
}: {
  title: ReactNode;
  crumbs?: Array<{ label: ReactNode; to?: string }>;
  extra?: ReactNode;
  subtitle?: ReactNode;
}) {
  return (
    <div className="page-header">
      {crumbs.length > 0 && (
        <Breadcrumb
          items={crumbs.map((c) => ({ title: c.to ? <Link to={c.to}>{c.label}</Link> : c.label }))}
          style={{ marginBottom: 8 }}
        />
      )}
      <Flex justify="space-between" align="center" wrap gap={12}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {subtitle && <Typography.Text type="secondary">{subtitle}</Typography.Text>}
        </div>
        {extra && <Space wrap>{extra}</Space>}
      </Flex>
    </div>
  );
}

export function Money({ value, strong, type }: { value: string | null | undefined; strong?: boolean; type?: 'success' | 'danger' | 'secondary' }) {
  const negative = !!value && value.trim().startsWith('-');
  return (
    <Typography.Text className="money" strong={strong} type={type ?? (negative ? 'danger' : undefined)}>
      {formatMoney(value)}
    </Typography.Text>
  );
}

export function Rate({ value }: { value: string | null | undefined }) {
  return <span className="money">{formatRate(value)}</span>;
}

export function DateTime({ value, dateOnly }: { value: string | null | undefined; dateOnly?: boolean }) {
  const { timezone } = useSession();
  return <span className="nowrap">{dateOnly ? formatDate(value, timezone) : formatDateTime(value, timezone)}</span>;
}

export function ErrorAlert({ error, onRetry, compact }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const { t } = useI18n();
  const { title, detail } = describeError(t, error);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={compact ? title : `${t('error.loadFailed')}：${title}`}
      description={detail}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('common.retry')}</Button> : undefined}
      style={{ marginBottom: 16 }}
    />
  );
}

/** Loading / error / empty states around any block of data. */
export function DataState({
  loading,
  error,
  empty,
  onRetry,
  children,
  emptyText,
}: {
  loading: boolean;
  error: ApiError | null | unknown;
  empty?: boolean;
  onRetry?: () => void;
  children: ReactNode;
  emptyText?: ReactNode;
}) {
  const { t } = useI18n();
  if (error) return <ErrorAlert error={error} onRetry={onRetry} />;
  if (loading)
    return (
      <Flex justify="center" style={{ padding: 48 }} role="status" aria-live="polite">
        <Spin tip={t('common.loading')}>
          <div style={{ width: 120, height: 40 }} />
        </Spin>
      </Flex>
    );
  if (empty) return <Empty description={emptyText ?? t('common.empty')} />;
  return <>{children}</>;
}

/** Table locale with a translated empty state; tables show their own spinner while loading. */
export function useTableLocale(error?: unknown, onRetry?: () => void) {
  const { t } = useI18n();
  return {
    emptyText: error ? (
      <Result status="warning" title={describeError(t, error).title} extra={onRetry && <Button onClick={onRetry}>{t('common.retry')}</Button>} />
    ) : (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} />
    ),
  };
}

export function CursorPager({
  page,
  totalCount,
  hasNext,
  onPrev,
  onNext,
  loading,
}: {
  page: number;
  totalCount?: number;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  loading?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Flex justify="flex-end" align="center" gap={12} style={{ marginTop: 16 }} wrap>
      {totalCount !== undefined && <Typography.Text type="secondary">{t('common.total', { count: totalCount })}</Typography.Text>}
      <Button size="small" disabled={page === 0 || loading} onClick={onPrev} aria-label={t('common.prevPage')}>
        {t('common.prevPage')}
      </Button>
      <Typography.Text>{t('common.page', { page: page + 1 })}</Typography.Text>
      <Button size="small" disabled={!hasNext || loading} onClick={onNext} aria-label={t('common.nextPage')}>
        {t('common.nextPage')}
      </Button>
    </Flex>
  );
}

const STATUS_COLORS: Record<string, string> = {
  ACTIVE: 'green', INVITED: 'blue', DEACTIVATED: 'default',
  POSTED: 'green', PENDING: 'gold', VOIDED: 'default',
  SUCCEEDED: 'green', FAILED: 'red', REVIEW: 'orange', REJECTED: 'red',
  PENDING_APPROVAL: 'gold', APPROVED: 'green',
  HELD: 'gold', SETTLED: 'green', CANCELLED: 'default',
  OPEN: 'orange', REFUNDED: 'green', PAID: 'green',
};

export function StatusTag({ prefix, value }: { prefix: string; value: string | null | undefined }) {
  const { te } = useI18n();
  if (!value) return null;
  return <Tag color={STATUS_COLORS[value] ?? 'default'}>{te(prefix, value)}</Tag>;
}

export function RoleTags({ roles }: { roles: readonly string[] }) {
  const { te } = useI18n();
  return (
    <Space size={[4, 4]} wrap>
      {roles.map((r) => (
        <Tag key={r} color={r === 'OWNER' ? 'purple' : r === 'EMPLOYEE' ? 'default' : 'blue'}>
          {te('role', r)}
        </Tag>
      ))}
    </Space>
  );
}

/** message/notification helpers bound to the current language. */
export function useFeedback() {
  const { t } = useI18n();
  const { message, notification } = AntApp.useApp();
  return {
    success: (text: string) => message.success(text),
    error: (err: unknown) => {
      const e = toApiError(err);
      const { title, detail } = describeError(t, e);
      if (detail) notification.error({ message: title, description: detail });
      else message.error(errorText(t, e));
    },
  };
}

/** "user:<id> <email>" / "apikey:<id> <name>" → the readable part; the full value as a tooltip. */
export function actorLabel(actor: string | null | undefined): string {
  if (!actor) return '—';
  const m = /^(?:user|apikey):\S+\s+(.+)$/.exec(actor.trim());
  return m ? m[1] : actor;
}

export function Actor({ value }: { value: string | null | undefined }) {
  return <span title={value ?? undefined}>{actorLabel(value)}</span>;
}

export function FieldLabel({ k }: { k: MessageKey }) {
  const { t } = useI18n();
  return <>{t(k)}</>;
}
