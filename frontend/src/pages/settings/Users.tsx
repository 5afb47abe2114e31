import { useState } from 'react';
import { Button, Card, Checkbox, Flex, Input, Modal, Table } from 'antd';
import { UserAddOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useCursorPages, useMutation, useQuery } from '../../api/hooks';
import { SetUserRolesMutation, UsersQuery } from '../../api/operations';
import { CursorPager, DateTime, PageHeader, RoleTags, StatusTag, useFeedback, useTableLocale } from '../../components/common';
import InviteUserModal from '../../components/InviteUserModal';
import { PAGE_SIZE } from '../../config';
import type { Role } from '../../gql/graphql';

const ROLES: Role[] = ['OWNER', 'HR_ADMIN', 'FINANCE', 'AUDITOR', 'EMPLOYEE'];

export default function Users() {
  const { t, te } = useI18n();
  const [search, setSearch] = useState('');
  const filter = { search: search || null };
  const pages = useCursorPages(PAGE_SIZE, search);
  const q = useQuery(UsersQuery, { first: pages.first, after: pages.after, filter });
  const setRoles = useMutation(SetUserRolesMutation);
  const fb = useFeedback();
  const [editing, setEditing] = useState<{ id: string; name: string; roles: Role[] } | null>(null);
  const [inviting, setInviting] = useState(false);
  const conn = q.data?.users;
  const locale = useTableLocale(q.error, q.refetch);

  return (
    <>
      <PageHeader
        title={t('users.title')}
        crumbs={[{ label: t('nav.settings') }, { label: t('nav.users') }]}
        extra={<Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)}>{t('users.invite')}</Button>}
      />
      <Card>
        <Flex style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('employees.searchPlaceholder')} aria-label={t('common.search')} onSearch={(v) => setSearch(v.trim())} style={{ width: 280 }} />
        </Flex>
        <Table
          rowKey="id"
          loading={q.loading}
          locale={locale}
          dataSource={conn?.edges.map((e) => e.node) ?? []}
          pagination={false}
          scroll={{ x: 860 }}
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('common.email'), dataIndex: 'email' },
            { title: t('employees.roles'), dataIndex: 'roles', render: (v: string[]) => <RoleTags roles={v} /> },
            { title: t('common.status'), dataIndex: 'status', render: (v) => <StatusTag prefix="userStatus" value={v} /> },
            { title: t('employees.lastLogin'), dataIndex: 'lastLoginAt', render: (v) => <DateTime value={v} /> },
            { title: t('common.actions'), render: (_, u) => <Button size="small" onClick={() => setEditing({ id: u.id, name: u.name, roles: [...u.roles] })}>{t('users.editRoles')}</Button> },
          ]}
        />
        <CursorPager page={pages.page} totalCount={conn?.totalCount} hasNext={!!conn?.pageInfo.hasNextPage} loading={q.loading} onPrev={pages.prev} onNext={() => pages.next(conn?.pageInfo.endCursor)} />
      </Card>
      <Modal
        open={!!editing}
        title={`${t('users.editRoles')} · ${editing?.name ?? ''}`}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={setRoles.loading}
        okButtonProps={{ disabled: !editing?.roles.length }}
        onCancel={() => setEditing(null)}
        onOk={async () => {
          if (!editing) return;
          try {
            await setRoles.run({ id: editing.id, roles: editing.roles });
            fb.success(t('users.rolesSaved'));
            setEditing(null);
            void q.refetch();
          } catch (e) {
            fb.error(e);
          }
        }}
      >
        <Checkbox.Group
          value={editing?.roles}
          onChange={(v) => editing && setEditing({ ...editing, roles: v as Role[] })}
          options={ROLES.map((r) => ({ value: r, label: te('role', r) }))}
        />
      </Modal>
      <InviteUserModal open={inviting} anyRole onClose={() => setInviting(false)} onDone={() => { setInviting(false); void q.refetch(); }} />
    </>
  );
}
