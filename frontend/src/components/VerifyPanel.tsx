import { useState } from 'react';
import { Alert, Button, Table, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { useSession } from '../auth/session';
import { useRequester } from '../api/hooks';
import { VerifyQuery } from '../api/operations';
import type { VerifyQuery as VQ } from '../gql/graphql';
import { formatDateTime } from '../lib/time';
import { ErrorAlert } from './common';

/** Runs the ledger + audit-chain verification on demand and shows the report. */
export default function VerifyPanel() {
  const { t } = useI18n();
  const { timezone } = useSession();
  const request = useRequester();
  const [report, setReport] = useState<VQ['verify'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport((await request(VerifyQuery, {})).verify);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="verify-panel">
      <Button icon={<SafetyCertificateOutlined />} onClick={run} loading={busy} type={report ? 'default' : 'primary'}>
        {busy ? t('common.processing') : t('recon.verify')}
      </Button>
      {error ? <div style={{ marginTop: 12 }}><ErrorAlert error={error} onRetry={run} compact /></div> : null}
      {report && (
        <div style={{ marginTop: 12 }}>
          <Alert
            type={report.ok ? 'success' : 'error'}
            showIcon
            message={report.ok ? t('recon.verifyOk') : t('recon.verifyFail', { count: report.violations.length })}
            description={t('recon.verifyStats', { entries: report.entriesChecked, events: report.auditEventsChecked, time: formatDateTime(report.checkedAt, timezone) })}
          />
          {report.violations.length > 0 && (
            <Table
              style={{ marginTop: 12 }}
              size="small"
              rowKey={(_, i) => String(i)}
              pagination={false}
              dataSource={report.violations}
              columns={[
                { title: t('recon.check'), dataIndex: 'check', width: 200, render: (v) => <Typography.Text code>{v}</Typography.Text> },
                { title: t('common.details'), dataIndex: 'detail' },
              ]}
            />
          )}
        </div>
      )}
    </div>
  );
}
