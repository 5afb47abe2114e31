import { useEffect, useRef, useState } from 'react';
import { Select, Spin } from 'antd';
import { useRequester } from '../api/hooks';
import { UsersQuery } from '../api/operations';
import { useI18n } from '../i18n';

export interface PickedUser {
  id: string;
  name: string;
  email: string;
  employeeNo?: string | null;
}

/** Searches active employees by name, email or employee number. */
export default function UserPicker({
  value,
  onChange,
  onPick,
  mode,
  style,
  id,
  initial,
}: {
  value?: string | string[];
  onChange?: (v: string | string[]) => void;
  onPick?: (u: PickedUser | undefined) => void;
  mode?: 'multiple';
  style?: React.CSSProperties;
  id?: string;
  initial?: PickedUser[];
}) {
  const { t } = useI18n();
  const request = useRequester();
  const [options, setOptions] = useState<PickedUser[]>(initial ?? []);
  const [loading, setLoading] = useState(false);
  const known = useRef(new Map<string, PickedUser>((initial ?? []).map((u) => [u.id, u])));
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const search = (text: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      setLoading(true);
      try {
        const r = await request(UsersQuery, { first: 20, filter: { search: text || null, status: 'ACTIVE', role: 'EMPLOYEE' } });
        const users = r.users.edges.map((e) => e.node);
        users.forEach((u) => known.current.set(u.id, u));
        setOptions(users);
      } catch {
        setOptions([]);
      } finally {
        setLoading(false);
      }
    }, 250);
  };

  useEffect(() => {
    search('');
    return () => clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const merged = [...options];
  for (const v of Array.isArray(value) ? value : value ? [value] : []) {
    const u = known.current.get(v);
    if (u && !merged.some((o) => o.id === v)) merged.push(u);
  }

  return (
    <Select
      id={id}
      mode={mode}
      showSearch
      value={value}
      style={style ?? { width: '100%' }}
      placeholder={t('grant.employeePlaceholder')}
      filterOption={false}
      onSearch={search}
      notFoundContent={loading ? <Spin size="small" /> : undefined}
      onChange={(v) => {
        onChange?.(v);
        if (!Array.isArray(v)) onPick?.(known.current.get(v));
      }}
      options={merged.map((u) => ({
        value: u.id,
        label: `${u.name}${u.employeeNo ? ` · ${u.employeeNo}` : ''} · ${u.email}`,
      }))}
      allowClear
    />
  );
}
