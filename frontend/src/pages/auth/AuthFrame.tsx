import type { ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { LanguageSwitch } from '../../layout/AppLayout';
import { useI18n } from '../../i18n';

export default function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <main className="auth-page">
      <div className="auth-top">
        <LanguageSwitch />
      </div>
      <div className="auth-card">
        <Flex vertical align="center" gap={6} style={{ marginBottom: 20 }}>
          <img src="/favicon.svg" alt="" width={44} height={44} />
          <Typography.Title level={3} style={{ margin: 0 }}>
            creditloop
          </Typography.Title>
          <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
        </Flex>
        <Card title={title}>{children}</Card>
      </div>
    </main>
  );
}
