import { Alert, Card, Descriptions, List, Select, Switch, Typography } from 'antd';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation, useQuery } from '../../api/hooks';
import { UpdateUserMutation } from '../../api/operations';
import { PageHeader, useFeedback } from '../../components/common';
import { NOTIFICATION_EVENTS, NotificationPreferencesQuery, SetNotificationPreferenceMutation } from '../../planned/api';
import type { Locale } from '../../gql/graphql';

export default function Notifications() {
  const { t } = useI18n();
  const { viewer, refresh } = useSession();
  const user = viewer?.user;
  const update = useMutation(UpdateUserMutation);
  const prefs = useQuery(NotificationPreferencesQuery, {});
  const setPref = useMutation(SetNotificationPreferenceMutation);
  const fb = useFeedback();
  const enabled = (event: string) => prefs.data?.notificationPreferences.find((p) => p.event === event)?.enabled ?? true;

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
        {prefs.error && <Alert type="info" showIcon message={t('notify.eventsUnavailable')} style={{ marginBottom: 12 }} />}
        <List
          loading={prefs.loading}
          dataSource={[...NOTIFICATION_EVENTS]}
          renderItem={(event) => (
            <List.Item
              extra={
                <Switch
                  checked={enabled(event)}
                  disabled={!!prefs.error || setPref.loading}
                  aria-label={t(`notify.event.${event}` as MessageKey)}
                  onChange={async (checked) => {
                    try {
                      await setPref.run({ event, enabled: checked });
                      void prefs.refetch();
                    } catch (e) {
                      fb.error(e);
                    }
                  }}
                />
              }
            >
              <Typography.Text>{t(`notify.event.${event}` as MessageKey)}</Typography.Text>
            </List.Item>
          )}
        />
      </Card>
    </>
  );
}
