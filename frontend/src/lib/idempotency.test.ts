import { describe, expect, it } from 'vitest';
import { renderHook } from '@testing-library/react';
import { useIdempotencyKey } from './idempotency';

describe('useIdempotencyKey', () => {
  it('reuses the key for a retry of the same request and renews it after success or a change', () => {
    const { result } = renderHook(() => useIdempotencyKey());
    const a = result.current.key({ amount: '5.00' });
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.current.key({ amount: '5.00' })).toBe(a);
    const b = result.current.key({ amount: '6.00' });
    expect(b).not.toBe(a);
    result.current.done();
    expect(result.current.key({ amount: '6.00' })).not.toBe(b);
  });
});
