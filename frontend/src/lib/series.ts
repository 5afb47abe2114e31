import { dayKey, dayjs } from './time';
import { fenToChartNumber, toFen } from './money';

export type SeriesKey = 'granted' | 'spent' | 'expired' | 'recycled';
export const SERIES_KEYS: SeriesKey[] = ['granted', 'spent', 'expired', 'recycled'];

/** Which ledger template feeds which dashboard series. */
export const TEMPLATE_SERIES: Record<string, SeriesKey | undefined> = {
  GRANT: 'granted',
  TOPUP_HOLD: 'spent',
  EXPIRE: 'expired',
  RECLAIM: 'recycled',
  RECYCLE_HOLD: 'recycled',
  RECYCLE_SETTLE: 'recycled',
};

export interface EntryLike {
  template: string;
  status: string;
  amount: string;
  createdAt: string;
}

export type DayPoint = { day: string } & Record<SeriesKey, number>;

/**
 * Buckets entries by tenant-local day and series. Sums run in integer fen; only the final
 * per-bucket totals become numbers, for the chart's axis.
 */
export function buildDailySeries(entries: EntryLike[], days: number, tz: string, today = dayjs()): DayPoint[] {
  const keys: string[] = [];
  const end = dayjs(today.tz(tz).format('YYYY-MM-DD'));
  for (let i = days - 1; i >= 0; i--) keys.push(end.subtract(i, 'day').format('YYYY-MM-DD'));
  const buckets = new Map<string, Record<SeriesKey, bigint>>(keys.map((k) => [k, { granted: 0n, spent: 0n, expired: 0n, recycled: 0n }]));
  for (const e of entries) {
    if (e.status === 'VOIDED') continue;
    const series = TEMPLATE_SERIES[e.template];
    if (!series) continue;
    const b = buckets.get(dayKey(e.createdAt, tz));
    if (!b) continue;
    const fen = toFen(e.amount, { allowExtraPrecision: true });
    b[series] += fen < 0n ? -fen : fen;
  }
  return keys.map((day) => {
    const b = buckets.get(day)!;
    return {
      day,
      granted: fenToChartNumber(b.granted),
      spent: fenToChartNumber(b.spent),
      expired: fenToChartNumber(b.expired),
      recycled: fenToChartNumber(b.recycled),
    };
  });
}
