import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, DatePicker, Form, Input, Radio, Row, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { PageHeader, useFeedback } from '../../components/common';
import { downloadExport, EXPORT_KINDS, type ExportKind } from '../../api/rest';
import { endOfDayUtc, startOfDayUtc, todayIn } from '../../lib/time';
import type { Permission } from '../../auth/permissions';

/** What an export needs beyond `exports.read` (the server checks the same). */
const EXTRA_PERMISSION: Partial<Record<ExportKind, Permission>> = { reconciliation: 'ledger.verify' };

interface Values {
  kind: ExportKind;
  range: [Dayjs, Dayjs];
  bom: boolean;
  employee?: string;
  department?: string;
}

export default function Exports() {
  const { t } = useI18n();
  const { timezone, can } = useSession();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form);
  const kinds = EXPORT_KINDS.filter((k) => !EXTRA_PERMISSION[k] || can(EXTRA_PERMISSION[k]));
  const fb = useFeedback();
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState<string | null>(null);
  const today = todayIn(timezone);

  const onFinish = async (v: Values) => {
    setBusy(true);
    setLast(null);
    try {
      const r = await downloadExport(v.kind, {
        from: v.range ? startOfDayUtc(v.range[0], timezone) : undefined,
        to: v.range ? endOfDayUtc(v.range[1], timezone) : undefined,
        bom: v.bom,
        ...(v.kind === 'statements' ? { employee: v.employee, department: v.department } : {}),
      });
      setLast(t('exports.done', { file: r.filename }));
    } catch (e) {
      fb.error(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={t('exports.title')} crumbs={[{ label: t('nav.finance') }, { label: t('nav.exports') }]} />
      <Card style={{ maxWidth: 760 }}>
        <Typography.Paragraph type="secondary">{t('exports.intro', { tz: timezone })}</Typography.Paragraph>
        {last && <Alert type="success" showIcon message={last} style={{ marginBottom: 16 }} data-testid="export-done" />}
        <Form form={form} layout="vertical" onFinish={onFinish} initialValues={{ kind: 'statements', range: [today.startOf('month'), today], bom: true }} disabled={busy}>
          <Form.Item name="kind" label={t('exports.kind')} rules={[{ required: true, message: t('validation.required') }]}>
            <Radio.Group
              optionType="button"
              options={kinds.map((k) => ({ value: k, label: t(`exports.kind.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="range" label={t('common.dateRange')} rules={[{ required: true, message: t('validation.required') }]}>
            <DatePicker.RangePicker allowClear={false} disabledDate={(d) => d.isAfter(today, 'day')} />
          </Form.Item>
          {kind === 'statements' && (
            <Row gutter={16}>
              <Col xs={24} sm={12}>
                <Form.Item name="employee" label={t('exports.employee')}>
                  <Input allowClear placeholder={t('exports.employeeHint')} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item name="department" label={t('employees.department')}>
                  <Input allowClear />
                </Form.Item>
              </Col>
            </Row>
          )}
          <Form.Item name="bom" valuePropName="checked">
            <Checkbox>{t('exports.bom')}</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<DownloadOutlined />} loading={busy}>
            {busy ? t('exports.downloading') : t('exports.download')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
