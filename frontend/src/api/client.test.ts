import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchRequester, setCsrfToken, UNAUTHENTICATED_EVENT } from './client';
import { ViewerQuery, GrantMutation } from './operations';
import { ApiError } from './errors';
import { endpoints, filenameFromDisposition } from './rest';

function stubFetch(body: unknown, status = 200) {
  const f = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', f);
  return f;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

describe('fetchRequester', () => {
  it('posts to /graphql with the cookie and the CSRF header', async () => {
    setCsrfToken('tok-1');
    const f = stubFetch({ data: { viewer: { permissions: [] } } });
    const r = await fetchRequester(ViewerQuery, {});
    expect(r.viewer.permissions).toEqual([]);
    const [url, init] = f.mock.calls[0];
    expect(url).toBe('/graphql');
    expect(init?.credentials).toBe('same-origin');
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok-1');
    expect(JSON.parse(String(init?.body)).query).toContain('query Viewer');
  });
  it('throws typed errors from errors[].extensions.code', async () => {
    stubFetch({ data: null, errors: [{ message: 'pool too low', extensions: { code: 'INSUFFICIENT_FUNDS' } }] });
    const err = await fetchRequester(GrantMutation, { input: { employeeId: 'e', amount: '1.00', expiresAt: '2026-12-31T15:59:59Z', idempotencyKey: 'k' } }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('INSUFFICIENT_FUNDS');
  });
  it('announces UNAUTHENTICATED so the app can go to sign-in', async () => {
    stubFetch({ errors: [{ message: 'no session', extensions: { code: 'UNAUTHENTICATED' } }] }, 401);
    const heard = vi.fn();
    window.addEventListener(UNAUTHENTICATED_EVENT, heard);
    await expect(fetchRequester(ViewerQuery, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(fetchRequester(ViewerQuery, {}, { quietAuth: true })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(heard).toHaveBeenCalledTimes(1);
    window.removeEventListener(UNAUTHENTICATED_EVENT, heard);
  });
  it('reports network failures', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    await expect(fetchRequester(ViewerQuery, {})).rejects.toMatchObject({ code: 'NETWORK' });
  });
});

describe('CSV endpoints', () => {
  it('keeps the paths in one place', () => {
    expect(endpoints.importUpload('employees')).toBe('/api/imports/employees');
    expect(endpoints.importCommit('imp_1')).toBe('/api/imports/imp_1/commit');
    expect(endpoints.exportCsv('statements', { from: '2026-11-01T00:00:00Z', to: '2026-11-30T15:59:59Z', bom: true })).toBe(
      '/api/exports/statements?from=2026-11-01T00%3A00%3A00Z&to=2026-11-30T15%3A59%3A59Z&bom=1',
    );
    expect(endpoints.exportCsv('audit', {})).toBe('/api/exports/audit');
  });
  it('reads the download file name', () => {
    expect(filenameFromDisposition('attachment; filename="a.csv"', 'x.csv')).toBe('a.csv');
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E5%AF%B9%E8%B4%A6.csv", 'x.csv')).toBe('对账.csv');
    expect(filenameFromDisposition(null, 'x.csv')).toBe('x.csv');
  });
});

describe('CSV endpoint fallbacks', () => {
  it('treats an HTML answer (SPA fallback) as "not available yet"', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } })));
    const { downloadExport } = await import('./rest');
    await expect(downloadExport('statements', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
