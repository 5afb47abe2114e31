import { useState } from 'react';
import { Alert, Button, Descriptions, Flex, Progress, Result, Space, Steps, Table, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey } from '../i18n';
import { commitImport, downloadImportTemplate, uploadImport, type CommitResult, type ImportKind, type ImportReport } from '../api/rest';
import { describeError } from '../api/errors';
import { useIdempotencyKey } from '../lib/idempotency';
import { formatMoney } from '../lib/money';

const MONEY_VALUE = /^-?\d+\.\d{2}$/;
/** The keys of the server's `totals` (upload) and commit answer. */
const TOTAL_LABELS: Record<string, MessageKey> = {
  rows: 'import.rows', count: 'import.total.count', amount: 'common.amount', total: 'import.total.perRun', new: 'import.total.new', existing: 'import.total.existing',
  created: 'import.total.created', updated: 'import.total.updated', skipped: 'import.total.skipped', deactivated: 'import.total.deactivated',
  employees: 'import.total.employees', name: 'common.name', frequency: 'import.total.frequency',
  batchId: 'import.total.batchId', batch_id: 'import.total.batchId', scheduleId: 'import.total.scheduleId',
};
const TOTAL_ORDER = ['new', 'updated', 'deactivated', 'skipped', 'existing', 'created', 'employees', 'name', 'frequency', 'count', 'amount', 'total', 'batchId', 'batch_id', 'scheduleId'];
/** Bookkeeping keys of the commit answer that are not totals. */
const HIDDEN_TOTALS = new Set(['rows', 'id', 'status', 'kind']);
/** CSV column names of the import files, shown with their translated meaning. */
const COLUMN_LABELS: Record<string, MessageKey> = {
  email: 'common.email', name: 'common.name', employee_no: 'employees.employeeNo', phone: 'common.phone', department: 'employees.department',
  cost_center: 'employees.costCenter', locale: 'employees.locale', amount: 'common.amount', expires_at: 'grant.expiresAt', memo: 'common.memo',
  status: 'common.status', frequency: 'import.total.frequency', file: 'import.file', import: 'import.file',
};

function useColumnLabel() {
  const { t } = useI18n();
  return (k: string | null | undefined) => (!k ? '—' : COLUMN_LABELS[k] ? `${t(COLUMN_LABELS[k])} (${k})` : k);
}

export function TotalsView({ totals, rows }: { totals: Record<string, unknown> | null; rows: number }) {
  const { t } = useI18n();
  // The server's JSON object comes back with its keys sorted; show them in reading order.
  const rank = (k: string) => (TOTAL_ORDER.indexOf(k) + TOTAL_ORDER.length + 1) % (TOTAL_ORDER.length + 1);
  const entries = Object.entries(totals ?? {})
    .filter(([k, v]) => !HIDDEN_TOTALS.has(k) && v !== null && v !== undefined && v !== '')
    .sort(([a], [b]) => rank(a) - rank(b));
  return (
    <Descriptions bordered size="small" column={{ xs: 1, sm: 2, md: 3 }} title={t('import.totals')}>
      <Descriptions.Item label={t('import.rows')}>{rows}</Descriptions.Item>
      {entries.map(([k, v]) => (
        <Descriptions.Item key={k} label={TOTAL_LABELS[k] ? t(TOTAL_LABELS[k]) : k}>
          {typeof v === 'string' && MONEY_VALUE.test(v) ? <span className="money">{formatMoney(v)}</span> : String(v)}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/**
 * Upload → per-row validation report → preview with totals → commit (all or nothing).
 * Used for the roster and for CSV distributions.
 */
export default function CsvImport({ kind, header, onCommitted }: { kind: ImportKind; header: string; onCommitted?: () => void }) {
  const { t } = useI18n();
  const [step, setStep] = useState(0);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<'upload' | 'commit' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<CommitResult | null>(null);
  const [templateBusy, setTemplateBusy] = useState(false);
  const idem = useIdempotencyKey();
  const columnLabel = useColumnLabel();

  const reset = () => {
    setStep(0);
    setReport(null);
    setError(null);
    setResult(null);
  };

  const onFile = async (file: File) => {
    setBusy('upload');
    setError(null);
    try {
      const r = await uploadImport(kind, file);
      setReport(r);
      setStep(r.errors.length ? 1 : 2);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const commit = async () => {
    if (!report) return;
    setBusy('commit');
    setError(null);
    try {
      const r = await commitImport(report.id, idem.key({ commit: report.id }));
      idem.done();
      setResult(r);
      setStep(3);
      onCommitted?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const err = error ? describeError(t, error) : null;
  return (
    <div data-testid={`csv-import-${kind}`}>
      <Steps
        current={step}
        size="small"
        style={{ marginBottom: 24 }}
        items={[{ title: t('import.step.upload') }, { title: t('import.step.validate') }, { title: t('import.step.preview') }, { title: t('import.step.done') }]}
        status={step === 1 ? 'error' : undefined}
        responsive
      />
      {err && <Alert type="error" showIcon role="alert" message={err.title} description={err.detail} style={{ marginBottom: 16 }} />}
      {step === 0 && (
        <>
          <Upload.Dragger
            accept=".csv,text/csv"
            multiple={false}
            showUploadList={false}
            disabled={!!busy}
            beforeUpload={(file) => {
              void onFile(file);
              return false;
            }}
            aria-label={t('import.drop')}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('import.drop')}</p>
            <p className="ant-upload-hint">{t('import.dropHint')}</p>
          </Upload.Dragger>
          {busy === 'upload' && (
            <Flex vertical align="center" style={{ marginTop: 16 }} role="status">
              <Progress percent={99} status="active" showInfo={false} style={{ maxWidth: 320 }} />
              <Typography.Text type="secondary">{t('import.uploading')}</Typography.Text>
            </Flex>
          )}
          <Flex gap={12} align="center" wrap style={{ marginTop: 16 }}>
            <Button
              icon={<DownloadOutlined />}
              loading={templateBusy}
              data-testid="import-template"
              onClick={async () => {
                setTemplateBusy(true);
                try {
                  await downloadImportTemplate(kind);
                } catch (e) {
                  setError(e);
                } finally {
                  setTemplateBusy(false);
                }
              }}
            >
              {t('import.downloadTemplate')}
            </Button>
            <Typography.Text type="secondary">
              {t('import.template')}：<Typography.Text code copyable>{header}</Typography.Text>
            </Typography.Text>
          </Flex>
        </>
      )}
      {step === 1 && report && (
        <>
          <Alert type="error" showIcon message={t('import.errorsTitle', { count: report.errors.length })} style={{ marginBottom: 16 }} />
          <Table
            size="small"
            rowKey={(r) => `${r.row}-${r.column}-${r.message}`}
            dataSource={report.errors}
            pagination={{ pageSize: 20, showSizeChanger: false }}
            columns={[
              { title: t('import.row'), dataIndex: 'row', width: 80 },
              { title: t('import.column'), dataIndex: 'column', width: 200, render: (v) => columnLabel(v) },
              { title: t('import.message'), dataIndex: 'message' },
            ]}
            data-testid="import-errors"
          />
          <Button style={{ marginTop: 16 }} onClick={reset}>
            {t('import.reupload')}
          </Button>
        </>
      )}
      {step === 2 && report && (
        <>
          <Alert type="success" showIcon message={t('import.noErrors', { rows: report.rows })} style={{ marginBottom: 16 }} />
          <TotalsView totals={report.totals} rows={report.rows} />
          <Space style={{ marginTop: 16 }}>
            <Button onClick={reset} disabled={!!busy}>
              {t('import.reupload')}
            </Button>
            <Button type="primary" onClick={commit} loading={busy === 'commit'} data-testid="import-commit">
              {busy === 'commit' ? t('import.committing') : t('import.commit')}
            </Button>
          </Space>
        </>
      )}
      {step === 3 && report && (
        <Result
          status="success"
          title={t('import.committed')}
          subTitle={<TotalsView totals={result && Object.keys(result).length ? result : report.totals} rows={report.rows} />}
          extra={<Button onClick={reset}>{t('import.again')}</Button>}
        />
      )}
    </div>
  );
}
