import { useState } from 'react';
import { Card, Descriptions, List, Select, Space, Switch, Tooltip } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { hasKey, useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { MyNotificationSettingsQuery, UpdateMyNotificationSettingsMutation, UpdateUserMutation } from '../../api/operations';
import { ErrorAlert, PageHeader, useFeedback } from '../../components/common';
import type { Locale, NotificationSetting } from '../../gql/graphql';

const FINANCE_KINDS = new Set(['approval_requested', 'review_needed', 'recycle_settled', 'low_pool_balance']);

export default function Notifications() {
  const { t } = useI18n();
  const { viewer, refresh } = useSession();
  const user = viewer?.user;
  const update = useMutation(UpdateUserMutation);
  const prefs = useQuery(MyNotificationSettingsQuery, {});
  const setPref = useMutation(UpdateMyNotificationSettingsMutation);
  const [pending, setPending] = useState<string | null>(null);
  const fb = useFeedback();
  // Optional kinds first, then the ones that are always sent (shown locked on).
  // The server lists every kind to everyone; the finance ones (crates/app/src/notify.rs,
  // audience Finance) only reach finance users, so a plain employee does not see them.
  const financeUser = !!user?.roles.some((r) => r === 'FINANCE' || r === 'OWNER');
  const settings = (prefs.data?.myNotificationSettings ?? [])
    .filter((s) => financeUser || !FINANCE_KINDS.has(s.kind))
    .sort((a, b) => Number(a.mandatory) - Number(b.mandatory));
  /** The translated name of a kind; a kind the app does not know yet shows the server's description. */
  const label = (s: Pick<NotificationSetting, 'kind' | 'description'>) => {
    const key = `notify.event.${s.kind}`;
    return hasKey(key) ? t(key) : s.description;
  };

  return (
    <>
      <PageHeader title={t('notify.title')} />
      <Card style={{ maxWidth: 640, marginBottom: 16 }}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('common.email')}>{user?.email}</Descriptions.Item>
          <Descriptions.Item label={t('notify.phone')}>{user?.phone ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('notify.language')}>
            <Select<Locale>
              value={user?.locale}
              style={{ width: 160 }}
              aria-label={t('notify.language')}
              loading={update.loading}
              onChange={async (locale) => {
                if (!user) return;
                try {
                  await update.run({ id: user.id, input: { locale } });
                  fb.success(t('notify.saved'));
                  void refresh();
                } catch (e) {
                  fb.error(e);
                }
              }}
              options={[{ value: 'ZH_CN', label: '简体中文' }, { value: 'EN', label: 'English' }]}
            />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('notify.events')} style={{ maxWidth: 640 }}>
        {prefs.error && <ErrorAlert error={prefs.error} onRetry={prefs.refetch} compact />}
        <List
          loading={prefs.loading}
          dataSource={settings}
          data-testid="notification-settings"
          renderItem={(s) => (
            <List.Item
              extra={
                s.mandatory ? (
                  <Tooltip title={t('notify.mandatory')}>
                    <Space size={4}>
                      <LockOutlined aria-hidden />
                      <Switch checked disabled aria-label={label(s)} />
                    </Space>
                  </Tooltip>
                ) : (
                  <Switch
                    checked={s.enabled}
                    loading={pending === s.kind}
                    disabled={pending !== null}
                    aria-label={label(s)}
                    onChange={async (checked) => {
                      setPending(s.kind);
                      try {
                        await setPref.run({ settings: [{ kind: s.kind, enabled: checked }] });
                        void prefs.refetch();
                      } catch (e) {
                        fb.error(e);
                      } finally {
                        setPending(null);
                      }
                    }}
                  />
                )
              }
            >
              <List.Item.Meta
                title={label(s)}
                description={s.mandatory ? t('notify.mandatory') : undefined}
              />
            </List.Item>
          )}
        />
      </Card>
    </>
  );
}
