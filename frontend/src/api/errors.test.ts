import { describe, expect, it } from 'vitest';
import { ApiError, describeError, fromGraphQLError, fromHttpStatus, SERVER_CODES, toApiError } from './errors';
import { translate } from '../i18n';

const zh = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate('zh-CN', k, v);
const en = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate('en', k, v);

describe('error codes', () => {
  it('maps every server code to its own translated message in both languages', () => {
    const seenZh = new Set<string>();
    for (const code of SERVER_CODES) {
      const e = fromGraphQLError({ message: 'server text', extensions: { code } });
      expect(e.code).toBe(code);
      const z = describeError(zh, e).title;
      const n = describeError(en, e).title;
      expect(z).not.toContain('server text');
      expect(n).not.toContain('server text');
      expect(z).not.toBe(`error.${code}`);
      seenZh.add(z);
    }
    expect(seenZh.size).toBe(SERVER_CODES.length);
    expect(describeError(zh, new ApiError('INSUFFICIENT_FUNDS')).title).toBe('余额不足');
    expect(describeError(en, new ApiError('LIMIT_EXCEEDED')).title).toBe('This exceeds a limit.');
  });
  it('shows the server message and field as detail for VALIDATION only', () => {
    const v = fromGraphQLError({ message: 'amount has more than 2 decimals', extensions: { code: 'VALIDATION', field: 'amount' } });
    const d = describeError(zh, v);
    expect(d.title).toBe('提交的内容未通过校验');
    expect(d.detail).toBe('amount has more than 2 decimals · 字段：amount');
    expect(describeError(zh, fromGraphQLError({ message: 'secret internals', extensions: { code: 'INTERNAL' } })).detail).toBeUndefined();
  });
  it('treats schema validation errors as "not available yet"', () => {
    expect(fromGraphQLError({ message: 'Cannot query field "purchaseOrders" on type "Query".' }).code).toBe('UNAVAILABLE');
    expect(fromGraphQLError({ message: 'Unknown field "recycles" on type "Query"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }).code).toBe('UNAVAILABLE');
    expect(fromGraphQLError({ message: 'Unknown field "webhooks" on type "Query".', extensions: { code: 'VALIDATION' } }).code).toBe('UNAVAILABLE');
    expect(fromGraphQLError({ message: 'amount: unknown field', extensions: { code: 'VALIDATION', field: 'amount' } }).code).toBe('VALIDATION');
    expect(fromGraphQLError({ message: 'weird' }).code).toBe('UNKNOWN');
  });
  it('maps HTTP statuses and network failures', () => {
    expect(fromHttpStatus(401).code).toBe('UNAUTHENTICATED');
    expect(fromHttpStatus(403).code).toBe('FORBIDDEN');
    expect(fromHttpStatus(404).code).toBe('UNAVAILABLE');
    expect(fromHttpStatus(429).code).toBe('RATE_LIMITED');
    expect(fromHttpStatus(502).code).toBe('INTERNAL');
    expect(toApiError(new TypeError('Failed to fetch')).code).toBe('NETWORK');
  });
});
