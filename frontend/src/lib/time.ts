import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';

dayjs.extend(utc);
dayjs.extend(timezone);

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

function safeTz(tz: string | undefined): string {
  if (!tz) return DEFAULT_TIMEZONE;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return DEFAULT_TIMEZONE;
  }
}

export function inTz(iso: string, tz?: string): Dayjs {
  return dayjs.utc(iso).tz(safeTz(tz));
}

export function formatDateTime(iso: string | null | undefined, tz?: string): string {
  if (!iso) return '—';
  return inTz(iso, tz).format('YYYY-MM-DD HH:mm');
}

export function formatDate(iso: string | null | undefined, tz?: string): string {
  if (!iso) return '—';
  return inTz(iso, tz).format('YYYY-MM-DD');
}

/** Calendar day in the tenant's zone, used as a chart bucket key. */
export function dayKey(iso: string, tz?: string): string {
  return inTz(iso, tz).format('YYYY-MM-DD');
}

/** End of the given tenant-local day as an RFC 3339 UTC string (for expiries and filters). */
export function endOfDayUtc(d: Dayjs, tz?: string): string {
  return dayjs.tz(d.format('YYYY-MM-DD') + ' 23:59:59', safeTz(tz)).utc().format('YYYY-MM-DDTHH:mm:ss[Z]');
}

export function startOfDayUtc(d: Dayjs, tz?: string): string {
  return dayjs.tz(d.format('YYYY-MM-DD') + ' 00:00:00', safeTz(tz)).utc().format('YYYY-MM-DDTHH:mm:ss[Z]');
}

/** "today" in the tenant's zone, as a plain local date Dayjs. */
export function todayIn(tz?: string): Dayjs {
  return dayjs(dayjs().tz(safeTz(tz)).format('YYYY-MM-DD'));
}

export { dayjs };
