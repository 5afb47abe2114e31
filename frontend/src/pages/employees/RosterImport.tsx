import { Card, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { PageHeader } from '../../components/common';
import CsvImport from '../../components/CsvImport';

export const ROSTER_HEADER = 'employee_no,name,email,phone,department,cost_center,status,locale';

export default function RosterImport() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('import.title')} crumbs={[{ label: t('nav.employees') }, { label: t('nav.employeeList'), to: '/employees' }, { label: t('nav.rosterImport') }]} />
      <Card>
        <Typography.Paragraph type="secondary">{t('import.intro')}</Typography.Paragraph>
        <CsvImport kind="employees" header={ROSTER_HEADER} />
      </Card>
    </>
  );
}
