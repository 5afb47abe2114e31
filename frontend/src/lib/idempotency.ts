import { useCallback, useRef } from 'react';

export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Fallback for non-secure contexts (plain http on a LAN address).
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One key per user intent. `key(fingerprint)` returns the same key while the request being
 * submitted is unchanged (a retry after an error or a timeout), and a new one as soon as the
 * input differs. `done()` ends the intent after a success, so the next submit is new.
 */
export function useIdempotencyKey() {
  const ref = useRef<{ key: string; fingerprint: string } | null>(null);
  const key = useCallback((fingerprint: unknown = null) => {
    const fp = JSON.stringify(fingerprint);
    if (!ref.current || ref.current.fingerprint !== fp) ref.current = { key: newIdempotencyKey(), fingerprint: fp };
    return ref.current.key;
  }, []);
  const done = useCallback(() => {
    ref.current = null;
  }, []);
  return { key, done };
}
