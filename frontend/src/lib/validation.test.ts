import { describe, expect, it } from 'vitest';
import { amountOrZeroRules, amountRules, isValidPhone, isValidRate, phoneRules } from './validation';
import { validateRows } from '../pages/distribution/BatchGrant';

const t = (k: string) => k;

async function check(rules: ReturnType<typeof amountRules>, value: unknown): Promise<string | null> {
  for (const r of rules) {
    const rule = r as { required?: boolean; message?: string; validator?: (r: unknown, v: unknown) => Promise<void> };
    if (rule.required && (value === undefined || value === '')) return rule.message ?? 'required';
    if (rule.validator) {
      try {
        await rule.validator({}, value);
      } catch (e) {
        return (e as Error).message;
      }
    }
  }
  return null;
}

describe('phone', () => {
  it('needs 11 digits starting with 1', () => {
    expect(isValidPhone('13800138000')).toBe(true);
    expect(isValidPhone('19200000000')).toBe(true);
    for (const bad of ['23800138000', '1380013800', '138001380001', '1380013800a', '', '+8613800138000']) expect(isValidPhone(bad)).toBe(false);
  });
  it('form rules report translated messages', async () => {
    expect(await check(phoneRules(t), '')).toBe('validation.required');
    expect(await check(phoneRules(t), '12345')).toBe('validation.phone');
    expect(await check(phoneRules(t), '13800138000')).toBeNull();
    expect(await check(phoneRules(t, false), '')).toBeNull();
  });
});

describe('amount rules', () => {
  it('validate before sending', async () => {
    expect(await check(amountRules(t), '')).toBe('validation.required');
    expect(await check(amountRules(t), '0')).toBe('validation.amount');
    expect(await check(amountRules(t), '1.001')).toBe('validation.amount');
    expect(await check(amountRules(t), '50')).toBeNull();
    expect(await check(amountOrZeroRules(t), '0.00')).toBeNull();
    expect(await check(amountOrZeroRules(t), '-1')).toBe('validation.amountZero');
  });
});

describe('rates', () => {
  it('allow up to four places', () => {
    expect(isValidRate('0.9600')).toBe(true);
    expect(isValidRate('0.96001')).toBe(false);
  });
});

describe('batch rows', () => {
  it('flags missing employees, bad amounts and duplicates', () => {
    const problems = validateRows([
      { key: 1, employeeId: 'a', amount: '50' },
      { key: 2, employeeId: undefined, amount: '0' },
      { key: 3, employeeId: 'a', amount: '1.234' },
      { key: 4, employeeId: 'b', amount: '' },
    ]);
    expect(problems).toEqual([
      { key: 2, field: 'employeeId', problem: 'required' },
      { key: 2, field: 'amount', problem: 'amount' },
      { key: 3, field: 'employeeId', problem: 'duplicate' },
      { key: 3, field: 'amount', problem: 'amount' },
      { key: 4, field: 'amount', problem: 'required' },
    ]);
  });
});
