/**
 * The CSV endpoints beside GraphQL, in one place. Imports: upload (multipart) → validation
 * report → commit. Exports: a streamed CSV download.
 */
import { ApiError, fromHttpStatus, toApiError } from './errors';
import { authHeaders, notifyUnauthenticated } from './client';

export type ImportKind = 'employees' | 'distributions' | 'allowances';
export type ExportKind = 'entries' | 'statements' | 'balances' | 'payouts' | 'settlements' | 'audit';
export const EXPORT_KINDS: ExportKind[] = ['entries', 'statements', 'balances', 'payouts', 'settlements', 'audit'];

export const endpoints = {
  importUpload: (kind: ImportKind) => `/api/imports/${encodeURIComponent(kind)}`,
  importCommit: (id: string) => `/api/imports/${encodeURIComponent(id)}/commit`,
  exportCsv: (kind: ExportKind, q: { from?: string; to?: string; bom?: boolean }) => {
    const p = new URLSearchParams();
    if (q.from) p.set('from', q.from);
    if (q.to) p.set('to', q.to);
    if (q.bom) p.set('bom', '1');
    const qs = p.toString();
    return `/api/exports/${encodeURIComponent(kind)}${qs ? `?${qs}` : ''}`;
  },
};

export interface ImportRowError {
  row: number;
  column?: string | null;
  message: string;
}

export interface ImportReport {
  id: string;
  kind: ImportKind;
  /** Number of data rows, or the parsed rows themselves (preview). */
  rows: number | Array<Record<string, unknown>>;
  errors: ImportRowError[];
  totals: Record<string, string | number> | null;
}

export interface CommitResult {
  [key: string]: unknown;
}

async function readError(res: Response): Promise<ApiError> {
  let message: string | undefined;
  let code: string | undefined;
  try {
    const body = await res.json();
    message = body?.message ?? body?.error ?? body?.errors?.[0]?.message;
    code = body?.code ?? body?.errors?.[0]?.extensions?.code;
  } catch {
    /* not JSON */
  }
  const err = code ? new ApiError(code as never, { message, status: res.status }) : fromHttpStatus(res.status, message);
  if (err.code === 'UNAUTHENTICATED') notifyUnauthenticated();
  return err;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  } catch (e) {
    throw toApiError(e);
  }
  if (!res.ok) throw await readError(res);
  // An endpoint the server does not have falls through to the SPA's index.html.
  if ((res.headers.get('Content-Type') ?? '').includes('text/html')) throw new ApiError('UNAVAILABLE', { status: res.status });
  return res;
}

export async function uploadImport(kind: ImportKind, file: File, signal?: AbortSignal): Promise<ImportReport> {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await send(endpoints.importUpload(kind), { method: 'POST', body: form, signal });
  const body = (await res.json()) as ImportReport;
  return { ...body, errors: body.errors ?? [], totals: body.totals ?? null };
}

export async function commitImport(id: string, idempotencyKey: string): Promise<CommitResult> {
  const res = await send(endpoints.importCommit(id), {
    method: 'POST',
    headers: { 'Idempotency-Key': idempotencyKey, Accept: 'application/json' },
  });
  try {
    return (await res.json()) as CommitResult;
  } catch {
    return {};
  }
}

export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain ? plain[1].trim() : fallback;
}

/** Fetches an export and hands it to the browser as a file download. */
export async function downloadExport(
  kind: ExportKind,
  q: { from?: string; to?: string; bom?: boolean },
): Promise<{ filename: string; bytes: number }> {
  const res = await send(endpoints.exportCsv(kind, q), { method: 'GET', headers: { Accept: 'text/csv' } });
  const blob = await res.blob();
  const fallback = `creditloop-${kind}${q.from ? `-${q.from.slice(0, 10)}` : ''}.csv`;
  const filename = filenameFromDisposition(res.headers.get('Content-Disposition'), fallback);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { filename, bytes: blob.size };
}
