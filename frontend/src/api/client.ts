import type { TypedDocumentString } from '../gql/graphql';
import { ApiError, fromGraphQLError, fromHttpStatus, toApiError, type GraphQLErrorShape } from './errors';

export const GRAPHQL_PATH = '/graphql';
const CSRF_STORAGE_KEY = 'creditloop.csrf';
export const UNAUTHENTICATED_EVENT = 'creditloop:unauthenticated';

/** CSRF token for cookie-authenticated requests (from `login` or `viewer.csrfToken`). */
let csrfToken: string | null = null;
export function getCsrfToken(): string | null {
  if (csrfToken) return csrfToken;
  try {
    csrfToken = localStorage.getItem(CSRF_STORAGE_KEY);
  } catch {
    csrfToken = null;
  }
  return csrfToken;
}
export function setCsrfToken(token: string | null) {
  csrfToken = token;
  try {
    if (token) localStorage.setItem(CSRF_STORAGE_KEY, token);
    else localStorage.removeItem(CSRF_STORAGE_KEY);
  } catch {
    /* ignore */
  }
}

export function authHeaders(): Record<string, string> {
  const token = getCsrfToken();
  return token ? { 'X-CSRF-Token': token } : {};
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Do not broadcast UNAUTHENTICATED (used by sign-in, where it means "wrong password"). */
  quietAuth?: boolean;
}

export type Requester = <R, V>(doc: TypedDocumentString<R, V>, variables?: V, opts?: RequestOptions) => Promise<R>;

function notifyUnauthenticated() {
  if (typeof window !== 'undefined') window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
}

/** The web app's GraphQL client: a typed fetch over the session cookie plus the CSRF header. */
export const fetchRequester: Requester = async (doc, variables, opts = {}) => {
  let res: Response;
  try {
    res = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json', ...authHeaders() },
      body: JSON.stringify({ query: String(doc), variables: variables ?? {} }),
      signal: opts.signal,
    });
  } catch (e) {
    throw toApiError(e);
  }
  let body: { data?: unknown; errors?: GraphQLErrorShape[] } | null = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  let error: ApiError | null = null;
  if (body?.errors?.length) error = fromGraphQLError(body.errors[0], res.ok ? undefined : res.status);
  else if (!res.ok) error = fromHttpStatus(res.status);
  else if (!body || body.data === undefined || body.data === null) error = new ApiError('UNKNOWN', { status: res.status });
  if (error) {
    if (error.code === 'UNAUTHENTICATED' && !opts.quietAuth) notifyUnauthenticated();
    throw error;
  }
  return body!.data as never;
};

export { notifyUnauthenticated };
