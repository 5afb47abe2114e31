import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { fetchRequester, type Requester, type RequestOptions } from './client';
import { toApiError, type ApiError } from './errors';

const RequesterContext = createContext<Requester>(fetchRequester);

/** Lets tests (and the app root) choose the GraphQL requester. */
export function ApiProvider({ requester, children }: { requester: Requester; children: ReactNode }) {
  return <RequesterContext.Provider value={requester}>{children}</RequesterContext.Provider>;
}

export function useRequester(): Requester {
  return useContext(RequesterContext);
}

export interface QueryState<R> {
  data: R | undefined;
  error: ApiError | null;
  loading: boolean;
  refetch: () => Promise<void>;
}

/** Runs a query when mounted and whenever its variables change. */
export function useQuery<R, V>(doc: TypedDocumentString<R, V>, variables?: V, opts: { skip?: boolean } = {}): QueryState<R> {
  const request = useRequester();
  const [data, setData] = useState<R | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(!opts.skip);
  const varsKey = JSON.stringify(variables ?? {});
  const seq = useRef(0);

  const run = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const r = await request(doc, JSON.parse(varsKey) as V);
      if (mine === seq.current) setData(r);
    } catch (e) {
      if (mine === seq.current) setError(toApiError(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [request, doc, varsKey]);

  useEffect(() => {
    if (opts.skip) {
      setLoading(false);
      return;
    }
    void run();
  }, [run, opts.skip]);

  return { data, error, loading, refetch: run };
}

export interface MutationState<R, V> {
  run: (variables: V, opts?: RequestOptions) => Promise<R>;
  loading: boolean;
  error: ApiError | null;
  reset: () => void;
}

export function useMutation<R, V>(doc: TypedDocumentString<R, V>): MutationState<R, V> {
  const request = useRequester();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (variables: V, opts?: RequestOptions) => {
      setLoading(true);
      setError(null);
      try {
        return await request(doc, variables, opts);
      } catch (e) {
        const err = toApiError(e);
        setError(err);
        throw err;
      } finally {
        setLoading(false);
      }
    },
    [request, doc],
  );
  return { run, loading, error, reset: () => setError(null) };
}

/** Cursor pagination over a Relay connection: remembers the cursors of visited pages. */
export function useCursorPages(pageSize: number, resetKey: string) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState(0);
  useEffect(() => {
    setCursors([null]);
    setPage(0);
  }, [resetKey]);
  return {
    page,
    first: pageSize,
    after: cursors[page] ?? null,
    next: (endCursor: string | null | undefined) => {
      if (!endCursor) return;
      setCursors((c) => {
        const copy = c.slice(0, page + 1);
        copy[page + 1] = endCursor;
        return copy;
      });
      setPage((p) => p + 1);
    },
    prev: () => setPage((p) => Math.max(0, p - 1)),
    reset: () => {
      setCursors([null]);
      setPage(0);
    },
  };
}
