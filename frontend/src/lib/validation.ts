import type { Rule } from 'antd/es/form';
import { AMOUNT_PATTERN, isValidAmount, RATE_PATTERN } from './money';

export const PHONE_PATTERN = /^1\d{10}$/;

export function isValidPhone(value: string | null | undefined): boolean {
  return !!value && PHONE_PATTERN.test(value.trim());
}

export function isValidRate(value: string | null | undefined): boolean {
  return !!value && RATE_PATTERN.test(value.trim());
}

type T = (key: 'validation.required' | 'validation.amount' | 'validation.amountZero' | 'validation.phone' | 'validation.rate') => string;

/** A money amount that may be zero (thresholds, fees). */
export function isValidAmountOrZero(value: string | null | undefined): boolean {
  return !!value && AMOUNT_PATTERN.test(value.trim());
}

function rule(required: boolean, ok: (v: string) => boolean, t: T, key: Parameters<T>[0]): Rule[] {
  return [
    { required, message: t('validation.required') },
    {
      validator: (_r, v) =>
        v === undefined || v === null || v === '' || ok(String(v)) ? Promise.resolve() : Promise.reject(new Error(t(key))),
    },
  ];
}

/** amount: /^\d+(\.\d{1,2})?$/ and > 0 */
export const amountRules = (t: T, required = true) => rule(required, isValidAmount, t, 'validation.amount');
/** phone: 11 digits starting with 1 */
/** thresholds and fees: /^\d+(\.\d{1,2})?$/, zero allowed */
export const amountOrZeroRules = (t: T, required = true) => rule(required, isValidAmountOrZero, t, 'validation.amountZero');
export const phoneRules = (t: T, required = true) => rule(required, isValidPhone, t, 'validation.phone');
export const rateRules = (t: T, required = false) => rule(required, isValidRate, t, 'validation.rate');
