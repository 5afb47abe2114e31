import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useI18n } from '../i18n';
import type { DayPoint } from '../lib/series';
import { formatMoney } from '../lib/money';

const COLORS = { granted: '#1f4fd1', spent: '#13a8a8', expired: '#faad14', recycled: '#8c8c8c' };

/** Split out so that recharts loads with the dashboard only. */
export default function ActivityChart({ data }: { data: DayPoint[] }) {
  const { t } = useI18n();
  const names = {
    granted: t('dashboard.series.granted'),
    spent: t('dashboard.series.spent'),
    expired: t('dashboard.series.expired'),
    recycled: t('dashboard.series.recycled'),
  };
  return (
    <ResponsiveContainer width="100%" height={300}>
      <BarChart data={data} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
        <YAxis fontSize={12} tickFormatter={(v: number) => `¥${v.toLocaleString()}`} width={72} />
        <Tooltip formatter={(v) => formatMoney(Number(v).toFixed(2))} />
        <Legend itemSorter={null} />
        {(Object.keys(names) as Array<keyof typeof names>).map((k) => (
          <Bar key={k} dataKey={k} name={names[k]} stackId={k === 'granted' ? 'in' : 'out'} fill={COLORS[k]} maxBarSize={18} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
