/**
 * The CSV endpoints beside GraphQL, in one place. Imports: upload (multipart) → validation
 * report → commit. Exports: a streamed CSV download.
 */
import { ApiError, fromGraphQLError, fromHttpStatus, toApiError, type GraphQLErrorShape } from './errors';
import { authHeaders, notifyUnauthenticated } from './client';

export type ImportKind = 'employees' | 'distributions' | 'allowances';
export type ExportKind = 'entries' | 'statements' | 'balances' | 'payouts' | 'settlements' | 'audit' | 'reconciliation';
export const EXPORT_KINDS: ExportKind[] = ['entries', 'statements', 'balances', 'payouts', 'settlements', 'audit', 'reconciliation'];

export interface ExportQuery {
  /** A tenant-local date (`2026-11-01`) or an RFC 3339 time; inclusive. */
  from?: string;
  /** A date (the whole day is included) or an RFC 3339 time (exclusive). */
  to?: string;
  bom?: boolean;
  /** Statements only: one employee, by employee number or email. */
  employee?: string;
  /** Statements only: one department. */
  department?: string;
}

export const endpoints = {
  importUpload: (kind: ImportKind) => `/api/imports/${encodeURIComponent(kind)}`,
  importCommit: (id: string) => `/api/imports/${encodeURIComponent(id)}/commit`,
  importTemplate: (kind: ImportKind) => `/api/imports/templates/${encodeURIComponent(kind)}`,
  exportCsv: (kind: ExportKind, q: ExportQuery) => {
    const p = new URLSearchParams();
    if (q.from) p.set('from', q.from);
    if (q.to) p.set('to', q.to);
    if (q.bom) p.set('bom', '1');
    if (q.employee?.trim()) p.set('employee', q.employee.trim());
    if (q.department?.trim()) p.set('department', q.department.trim());
    const qs = p.toString();
    return `/api/exports/${encodeURIComponent(kind)}${qs ? `?${qs}` : ''}`;
  },
};

export interface ImportRowError {
  /** The spreadsheet row: the header is row 1, the first data row is row 2. */
  row: number;
  column?: string | null;
  message: string;
}

/**
 * What an upload answers (the server stores the validated rows; nothing is applied yet).
 * `totals` by kind — employees: rows, new, updated, deactivated, skipped; distributions:
 * rows, employees, amount; allowances: rows, employees, name, frequency, amount, total.
 */
export interface ImportReport {
  id: string;
  kind: ImportKind;
  /** `UPLOADED` (or `COMMITTED` for an upload that was already applied). */
  status?: string;
  /** Number of data rows. */
  rows: number;
  errors: ImportRowError[];
  totals: Record<string, string | number> | null;
}

/**
 * A commit's answer: the upload's totals updated with what was applied, plus `id`,
 * `status: "COMMITTED"` and per kind `batchId`/`count` (distributions) or `scheduleId`
 * (allowances).
 */
export interface CommitResult {
  [key: string]: string | number | null | undefined;
}

/**
 * The server answers errors in the GraphQL shape (`{"errors":[{"message","extensions":{"code","field"}}]}`)
 * with the code's HTTP status (400/403/404/409/422…); a bare `{code, message}` is read too.
 */
async function readError(res: Response): Promise<ApiError> {
  let body: { errors?: GraphQLErrorShape[]; code?: string; message?: string; error?: string } | null = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  let err: ApiError;
  if (body?.errors?.[0]) err = fromGraphQLError(body.errors[0], res.status);
  else if (body?.code) err = new ApiError(body.code as never, { message: body.message ?? body.error, status: res.status });
  else err = fromHttpStatus(res.status, body?.message ?? body?.error);
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
export async function downloadExport(kind: ExportKind, q: ExportQuery): Promise<{ filename: string; bytes: number }> {
  const res = await send(endpoints.exportCsv(kind, q), { method: 'GET', headers: { Accept: 'text/csv' } });
  return saveDownload(res, `creditloop-${kind}${q.from ? `-${q.from.slice(0, 10)}` : ''}.csv`);
}

/** Downloads the CSV template of an import kind (header and one example row, UTF-8 with BOM). */
export async function downloadImportTemplate(kind: ImportKind): Promise<{ filename: string; bytes: number }> {
  const res = await send(endpoints.importTemplate(kind), { method: 'GET', headers: { Accept: 'text/csv' } });
  return saveDownload(res, `creditloop-${kind}-template.csv`);
}

async function saveDownload(res: Response, fallback: string): Promise<{ filename: string; bytes: number }> {
  const blob = await res.blob();
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
