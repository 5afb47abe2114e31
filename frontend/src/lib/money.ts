/**
 * Money arrives from the API as decimal strings in CNY with at most two places ("12.30",
 * "-100.00"). It is never turned into a float for arithmetic: sums and comparisons go
 * through integer fen (BigInt); formatting works on the string itself.
 */

export const AMOUNT_PATTERN = /^\d+(\.\d{1,2})?$/;
export const RATE_PATTERN = /^\d+(\.\d{1,4})?$/;
const SIGNED_DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

function groupThousands(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234.5" -> "¥1,234.50"; "-100" -> "-¥100.00". Invalid input is shown as is. */
export function formatMoney(value: string | null | undefined, opts: { symbol?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  const m = SIGNED_DECIMAL.exec(value.trim());
  if (!m) return value;
  const [, neg, intRaw, fracRaw = ''] = m;
  let int = intRaw.replace(/^0+(?=\d)/, '');
  let frac = fracRaw;
  if (frac.length > 2) {
    // More precision than the API promises: round half-up on the string via fen.
    const fen = toFen(`${intRaw}.${fracRaw}`, { allowExtraPrecision: true });
    const s = fenToDecimal(fen);
    [int, frac] = s.split('.');
  }
  frac = (frac + '00').slice(0, 2);
  const isZero = /^0+$/.test(int) && /^0+$/.test(frac);
  const sign = neg && !isZero ? '-' : '';
  const symbol = opts.symbol === false ? '' : '¥';
  return `${sign}${symbol}${groupThousands(int)}.${frac}`;
}

/** Parses a decimal string into integer fen. Throws on malformed input. */
export function toFen(value: string, opts: { allowExtraPrecision?: boolean } = {}): bigint {
  const m = SIGNED_DECIMAL.exec(value.trim());
  if (!m) throw new Error(`not a decimal amount: ${value}`);
  const [, neg, int, frac = ''] = m;
  if (frac.length > 2 && !opts.allowExtraPrecision) throw new Error(`more than two decimal places: ${value}`);
  let fen = BigInt(int) * 100n + BigInt((frac + '00').slice(0, 2));
  if (frac.length > 2 && Number(frac[2]) >= 5) fen += 1n; // half-up on magnitude
  return neg ? -fen : fen;
}

/** 1230n -> "12.30"; -5n -> "-0.05". */
export function fenToDecimal(fen: bigint): string {
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  const int = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${int}.${frac}`;
}

export function sumMoney(values: Array<string | null | undefined>): string {
  let total = 0n;
  for (const v of values) if (v) total += toFen(v, { allowExtraPrecision: true });
  return fenToDecimal(total);
}

export function compareMoney(a: string, b: string): number {
  const d = toFen(a, { allowExtraPrecision: true }) - toFen(b, { allowExtraPrecision: true });
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** A positive amount with at most two decimal places, as the API accepts it. */
export function isValidAmount(value: string | null | undefined): boolean {
  if (!value || !AMOUNT_PATTERN.test(value.trim())) return false;
  return toFen(value) > 0n;
}

/** Normalises user input "12.3" -> "12.30" (assumes isValidAmount). */
export function normalizeAmount(value: string): string {
  return fenToDecimal(toFen(value.trim()));
}

/** amount × rate (rate with up to 4 places), rounded half-up to the fen. For previews only. */
export function applyRate(amount: string, rate: string): string {
  const fen = toFen(amount, { allowExtraPrecision: true });
  const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(rate.trim());
  if (!m) throw new Error(`not a rate: ${rate}`);
  const bp = BigInt(m[1]) * 10000n + BigInt(((m[2] ?? '') + '0000').slice(0, 4));
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  const scaled = abs * bp;
  let result = scaled / 10000n;
  if ((scaled % 10000n) * 2n >= 10000n) result += 1n;
  return fenToDecimal(neg ? -result : result);
}

export function subtractMoney(a: string, b: string): string {
  return fenToDecimal(toFen(a, { allowExtraPrecision: true }) - toFen(b, { allowExtraPrecision: true }));
}

/** Rate "0.9600" -> "96.00%". */
export function formatRate(rate: string | null | undefined): string {
  if (!rate) return '—';
  const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(rate.trim());
  if (!m) return rate;
  const bp = BigInt(m[1]) * 10000n + BigInt(((m[2] ?? '') + '0000').slice(0, 4));
  const int = bp / 100n;
  const frac = (bp % 100n).toString().padStart(2, '0');
  return `${int}.${frac}%`;
}

/** For charts only (display scale); never used for money arithmetic. */
export function fenToChartNumber(fen: bigint): number {
  return Number(fen) / 100;
}
