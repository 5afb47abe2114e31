import type { MessageKey, TFunction } from '../i18n';

/** The closed set of server error codes (docs/api-contract.graphql), plus client-side ones. */
export const SERVER_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION',
  'INSUFFICIENT_FUNDS',
  'LIMIT_EXCEEDED',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
] as const;
export type ServerCode = (typeof SERVER_CODES)[number];
/** NETWORK: no response; UNAVAILABLE: the server does not offer this operation yet. */
export type ErrorCode = ServerCode | 'NETWORK' | 'UNAVAILABLE' | 'UNKNOWN';

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly serverMessage?: string;
  readonly status?: number;
  constructor(code: ErrorCode, opts: { message?: string; field?: string; status?: number } = {}) {
    super(opts.message ?? code);
    this.name = 'ApiError';
    this.code = code;
    this.field = opts.field;
    this.serverMessage = opts.message;
    this.status = opts.status;
  }
}

export interface GraphQLErrorShape {
  message?: string;
  extensions?: { code?: unknown; field?: unknown } & Record<string, unknown>;
}

const SCHEMA_MISMATCH = /cannot query field|unknown (field|argument|type|operation)|unknown enum|is not defined by type|graphql_validation_failed/i;

/** Maps one GraphQL error (and the HTTP status it came with) to an ApiError. */
export function fromGraphQLError(e: GraphQLErrorShape, status?: number): ApiError {
  const raw = typeof e.extensions?.code === 'string' ? e.extensions.code : undefined;
  const field = typeof e.extensions?.field === 'string' ? e.extensions.field : undefined;
  const message = e.message;
  // A document the server's schema does not know (an operation not shipped yet) is reported as
  // VALIDATION by some servers; it is not the user's input that is wrong.
  const schemaMismatch = !field && !!message && SCHEMA_MISMATCH.test(message) && (!raw || raw === 'VALIDATION' || SCHEMA_MISMATCH.test(raw));
  if (schemaMismatch) return new ApiError('UNAVAILABLE', { message, status });
  if (raw && (SCHEMA_MISMATCH.test(raw))) return new ApiError('UNAVAILABLE', { message, status });
  if (raw && (SERVER_CODES as readonly string[]).includes(raw)) {
    return new ApiError(raw as ServerCode, { message, field, status });
  }
  if (status) return fromHttpStatus(status, message);
  return new ApiError('UNKNOWN', { message, status });
}

export function fromHttpStatus(status: number, message?: string): ApiError {
  if (status === 401) return new ApiError('UNAUTHENTICATED', { status, message });
  if (status === 403) return new ApiError('FORBIDDEN', { status, message });
  if (status === 404 || status === 405 || status === 501) return new ApiError('UNAVAILABLE', { status, message });
  if (status === 409) return new ApiError('CONFLICT', { status, message });
  if (status === 413 || status === 400 || status === 422) return new ApiError('VALIDATION', { status, message });
  if (status === 429) return new ApiError('RATE_LIMITED', { status, message });
  if (status >= 500) return new ApiError('INTERNAL', { status, message });
  return new ApiError('UNKNOWN', { status, message });
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DOMException && e.name === 'AbortError') return new ApiError('NETWORK', { message: 'aborted' });
  if (e instanceof TypeError) return new ApiError('NETWORK', { message: e.message });
  return new ApiError('UNKNOWN', { message: e instanceof Error ? e.message : String(e) });
}

/**
 * The translated text for an error: codes are translated, server messages are not — except
 * for VALIDATION, where the server's message is shown as the detail (it names what is wrong).
 */
export function describeError(t: TFunction, err: unknown): { title: string; detail?: string } {
  const e = toApiError(err);
  const title = t(`error.${e.code}` as MessageKey);
  if (e.code === 'VALIDATION') {
    const parts = [e.serverMessage && e.serverMessage !== e.code ? e.serverMessage : undefined, e.field ? t('error.field', { field: e.field }) : undefined].filter(Boolean);
    return { title, detail: parts.length ? parts.join(' · ') : undefined };
  }
  return { title };
}

export function errorText(t: TFunction, err: unknown): string {
  const { title, detail } = describeError(t, err);
  return detail ? `${title}：${detail}` : title;
}
