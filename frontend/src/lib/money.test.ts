import { describe, expect, it } from 'vitest';
import { applyRate, compareMoney, fenToDecimal, formatMoney, formatRate, isValidAmount, normalizeAmount, subtractMoney, sumMoney, toFen } from './money';

describe('formatMoney', () => {
  it('formats decimal strings as ¥ with two decimals and thousands separators', () => {
    expect(formatMoney('12.30')).toBe('¥12.30');
    expect(formatMoney('12.3')).toBe('¥12.30');
    expect(formatMoney('12')).toBe('¥12.00');
    expect(formatMoney('1234567.89')).toBe('¥1,234,567.89');
    expect(formatMoney('0.05')).toBe('¥0.05');
    expect(formatMoney('007.10')).toBe('¥7.10');
  });
  it('puts the sign before the currency symbol and drops it for zero', () => {
    expect(formatMoney('-100.00')).toBe('-¥100.00');
    expect(formatMoney('-0.00')).toBe('¥0.00');
  });
  it('never goes through floating point', () => {
    // 0.1 + 0.2 style traps and values beyond 2^53 stay exact.
    expect(formatMoney('9007199254740993.99')).toBe('¥9,007,199,254,740,993.99');
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
  });
  it('shows a dash for missing values and leaves garbage visible', () => {
    expect(formatMoney(null)).toBe('—');
    expect(formatMoney(undefined)).toBe('—');
    expect(formatMoney('abc')).toBe('abc');
  });
  it('can omit the symbol', () => {
    expect(formatMoney('5', { symbol: false })).toBe('5.00');
  });
});

describe('fen arithmetic', () => {
  it('parses and prints', () => {
    expect(toFen('12.30')).toBe(1230n);
    expect(toFen('-0.05')).toBe(-5n);
    expect(fenToDecimal(-5n)).toBe('-0.05');
    expect(() => toFen('1.234')).toThrow();
    expect(toFen('1.235', { allowExtraPrecision: true })).toBe(124n);
  });
  it('sums, compares and subtracts', () => {
    expect(sumMoney(['50.00', '30.5', null, '0.01'])).toBe('80.51');
    expect(compareMoney('10', '9.99')).toBe(1);
    expect(compareMoney('10.00', '10')).toBe(0);
    expect(subtractMoney('100.00', '30.10')).toBe('69.90');
  });
  it('applies a 4-place rate rounding half-up to the fen', () => {
    expect(applyRate('100.00', '0.9')).toBe('90.00');
    expect(applyRate('1092.40', '0.9200')).toBe('1005.01');
    expect(applyRate('0.05', '0.5')).toBe('0.03'); // 2.5 fen -> 3
  });
  it('formats rates as percentages', () => {
    expect(formatRate('0.9600')).toBe('96.00%');
    expect(formatRate('0.925')).toBe('92.50%');
    expect(formatRate('1')).toBe('100.00%');
  });
});

describe('isValidAmount', () => {
  it('accepts positive amounts with at most two decimals', () => {
    for (const ok of ['1', '0.01', '12.3', '12.30', '500.00']) expect(isValidAmount(ok)).toBe(true);
  });
  it('rejects zero, negatives, too many decimals and junk', () => {
    for (const bad of ['', '0', '0.00', '-1', '1.234', '1,000', 'abc', '.5', '1.', ' ', '1e3']) expect(isValidAmount(bad)).toBe(false);
  });
  it('normalises to two places', () => {
    expect(normalizeAmount('5')).toBe('5.00');
    expect(normalizeAmount(' 12.3 ')).toBe('12.30');
  });
});
