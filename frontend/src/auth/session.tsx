import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useRequester } from '../api/hooks';
import { setCsrfToken, UNAUTHENTICATED_EVENT } from '../api/client';
import { LoginMutation, LogoutMutation, ViewerQuery } from '../api/operations';
import type { ViewerQuery as ViewerData } from '../gql/graphql';
import { toApiError, type ApiError } from '../api/errors';
import { hasAny, hasPermission } from './permissions';
import { DEFAULT_TIMEZONE } from '../lib/time';

export type Viewer = ViewerData['viewer'];
type Status = 'loading' | 'anonymous' | 'ready' | 'error';

interface SessionValue {
  status: Status;
  viewer: Viewer | null;
  error: ApiError | null;
  /** Set when the session ended underneath the user (shown on the sign-in page). */
  expired: boolean;
  timezone: string;
  can: (permission: string) => boolean;
  canAny: (permissions: readonly string[]) => boolean;
  refresh: () => Promise<void>;
  signIn: (email: string, password: string) => Promise<void>;
  adoptSession: (csrfToken: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const request = useRequester();
  const [status, setStatus] = useState<Status>('loading');
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [expired, setExpired] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const r = await request(ViewerQuery, {}, { quietAuth: true });
      if (r.viewer.csrfToken) setCsrfToken(r.viewer.csrfToken);
      setViewer(r.viewer);
      setError(null);
      setStatus('ready');
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'UNAUTHENTICATED') {
        setCsrfToken(null);
        setViewer(null);
        setStatus('anonymous');
      } else {
        setError(err);
        setStatus('error');
      }
    }
  }, [request]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    const onUnauth = () => {
      setCsrfToken(null);
      setViewer(null);
      setExpired(true);
      setStatus('anonymous');
    };
    window.addEventListener(UNAUTHENTICATED_EVENT, onUnauth);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, onUnauth);
  }, []);

  const adoptSession = useCallback(
    async (csrfToken: string) => {
      setCsrfToken(csrfToken);
      setExpired(false);
      await refresh();
    },
    [refresh],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      const r = await request(LoginMutation, { email, password }, { quietAuth: true });
      await adoptSession(r.login.csrfToken);
    },
    [request, adoptSession],
  );

  const signOut = useCallback(async () => {
    try {
      await request(LogoutMutation, {}, { quietAuth: true });
    } catch {
      /* the cookie may already be gone; sign out locally regardless */
    }
    setCsrfToken(null);
    setViewer(null);
    setExpired(false);
    setStatus('anonymous');
  }, [request]);

  const value = useMemo<SessionValue>(() => {
    const perms = viewer?.permissions ?? [];
    return {
      status,
      viewer,
      error,
      expired,
      timezone: viewer?.tenant.timezone || DEFAULT_TIMEZONE,
      can: (p) => hasPermission(perms, p),
      canAny: (ps) => hasAny(perms, ps),
      refresh,
      signIn,
      adoptSession,
      signOut,
    };
  }, [status, viewer, error, expired, refresh, signIn, adoptSession, signOut]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** Test helper: a fixed session without any network. */
export function StaticSession({ value, children }: { value: Partial<SessionValue> & { viewer: Viewer | null }; children: ReactNode }) {
  const perms = value.viewer?.permissions ?? [];
  const full: SessionValue = {
    status: value.viewer ? 'ready' : 'anonymous',
    error: null,
    expired: false,
    timezone: value.viewer?.tenant.timezone ?? DEFAULT_TIMEZONE,
    can: (p) => hasPermission(perms, p),
    canAny: (ps) => hasAny(perms, ps),
    refresh: async () => {},
    signIn: async () => {},
    adoptSession: async () => {},
    signOut: async () => {},
    ...value,
  };
  return <SessionContext.Provider value={full}>{children}</SessionContext.Provider>;
}
