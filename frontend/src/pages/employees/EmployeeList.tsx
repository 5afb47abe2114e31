import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button, Card, Flex, Input, Select, Table } from 'antd';
import { UploadOutlined, UserAddOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useCursorPages, useQuery } from '../../api/hooks';
import { UsersQuery } from '../../api/operations';
import { CursorPager, DateTime, ErrorAlert, Money, PageHeader, RoleTags, StatusTag, useTableLocale } from '../../components/common';
import InviteUserModal from '../../components/InviteUserModal';
import { PAGE_SIZE } from '../../config';
import type { Role, UserStatus } from '../../gql/graphql';

export default function EmployeeList() {
  const { t, te } = useI18n();
  const { can } = useSession();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<UserStatus | undefined>('ACTIVE');
  const [role, setRole] = useState<Role | undefined>('EMPLOYEE');
  const [department, setDepartment] = useState('');
  const [inviting, setInviting] = useState(false);
  const filter = { search: search || null, status: status ?? null, role: role ?? null, department: department || null };
  const pages = useCursorPages(PAGE_SIZE, JSON.stringify(filter));
  const q = useQuery(UsersQuery, { first: pages.first, after: pages.after, filter });
  const conn = q.data?.users;
  const rows = conn?.edges.map((e) => e.node) ?? [];
  const locale = useTableLocale(q.error, q.refetch);

  return (
    <>
      <PageHeader
        title={t('employees.title')}
        crumbs={[{ label: t('nav.employees') }, { label: t('nav.employeeList') }]}
        extra={
          <>
            {can('imports.run') && (
              <Link to="/employees/import">
                <Button icon={<UploadOutlined />}>{t('nav.rosterImport')}</Button>
              </Link>
            )}
            {can('users.invite') && (
              <Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)}>
                {t('employees.invite')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('employees.searchPlaceholder')}
            aria-label={t('common.search')}
            onSearch={(v) => setSearch(v.trim())}
            style={{ width: 280 }}
          />
          <Input
            allowClear
            placeholder={t('employees.department')}
            aria-label={t('employees.department')}
            onPressEnter={(e) => setDepartment((e.target as HTMLInputElement).value.trim())}
            onBlur={(e) => setDepartment(e.target.value.trim())}
            style={{ width: 180 }}
          />
          <Select
            allowClear
            value={status}
            onChange={setStatus}
            placeholder={t('common.status')}
            aria-label={t('common.status')}
            style={{ width: 140 }}
            options={(['ACTIVE', 'INVITED', 'DEACTIVATED'] as const).map((s) => ({ value: s, label: te('userStatus', s) }))}
          />
          <Select
            allowClear
            value={role}
            onChange={setRole}
            placeholder={t('employees.roles')}
            aria-label={t('employees.roles')}
            style={{ width: 150 }}
            options={(['EMPLOYEE', 'HR_ADMIN', 'FINANCE', 'AUDITOR', 'OWNER'] as const).map((r) => ({ value: r, label: te('role', r) }))}
          />
        </Flex>
        {q.error && rows.length > 0 && <ErrorAlert error={q.error} onRetry={q.refetch} />}
        <Table
          rowKey="id"
          loading={q.loading}
          dataSource={rows}
          locale={locale}
          pagination={false}
          scroll={{ x: 900 }}
          onRow={(r) => ({ onClick: () => navigate(`/employees/${r.id}`), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('common.name'), dataIndex: 'name', render: (v: string, r) => <Link to={`/employees/${r.id}`}>{v}</Link> },
            { title: t('employees.employeeNo'), dataIndex: 'employeeNo', render: (v) => v ?? '—' },
            { title: t('common.email'), dataIndex: 'email' },
            { title: t('employees.department'), dataIndex: 'department', render: (v) => v ?? '—' },
            { title: t('employees.roles'), dataIndex: 'roles', render: (v: string[]) => <RoleTags roles={v} /> },
            { title: t('common.status'), dataIndex: 'status', render: (v: string) => <StatusTag prefix="userStatus" value={v} /> },
            { title: t('employees.balance'), align: 'right', render: (_, r) => (r.wallet ? <Money value={r.wallet.balance} /> : '—') },
            { title: t('employees.nextExpiry'), render: (_, r) => <DateTime value={r.wallet?.nextExpiry} dateOnly /> },
          ]}
        />
        <CursorPager
          page={pages.page}
          totalCount={conn?.totalCount}
          hasNext={!!conn?.pageInfo.hasNextPage}
          loading={q.loading}
          onPrev={pages.prev}
          onNext={() => pages.next(conn?.pageInfo.endCursor)}
        />
      </Card>
      <InviteUserModal open={inviting} anyRole={false} onClose={() => setInviting(false)} onDone={() => { setInviting(false); void q.refetch(); }} />
    </>
  );
}
