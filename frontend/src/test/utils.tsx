import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { vi } from 'vitest';
import { Providers } from '../App';
import { StaticSession, type Viewer } from '../auth/session';
import { permissionsForRoles } from '../auth/permissions';
import type { Requester } from '../api/client';
import { ApiError } from '../api/errors';

type Handler = (vars: Record<string, unknown>) => unknown;

/** A GraphQL requester answering by operation name; unknown operations fail like the real server. */
export function mockRequester(handlers: Record<string, Handler>) {
  const calls: Array<{ op: string; vars: Record<string, unknown> }> = [];
  const fn = vi.fn(async (doc: unknown, vars?: unknown) => {
    const op = /(?:query|mutation)\s+(\w+)/.exec(String(doc))?.[1] ?? '?';
    const v = (vars ?? {}) as Record<string, unknown>;
    calls.push({ op, vars: v });
    const h = handlers[op];
    if (!h) throw new ApiError('UNAVAILABLE', { message: `Cannot query field for ${op}` });
    return h(v);
  });
  return { requester: fn as unknown as Requester, calls };
}

export function viewerFor(roles: string[], over: Partial<NonNullable<Viewer['user']>> = {}): Viewer {
  return {
    csrfToken: 'csrf-test',
    permissions: permissionsForRoles(roles),
    apiKey: null,
    tenant: { id: 't1', name: '示例科技有限公司', slug: 'demo', timezone: 'Asia/Shanghai' },
    user: { id: 'u1', email: 'x@demo.test', name: '张伟', roles: roles as never, status: 'ACTIVE', phone: '13800138000', department: '研发部', employeeNo: 'E1', locale: 'ZH_CN', ...over },
  };
}

export function renderWith(ui: ReactNode, opts: { requester?: Requester; roles?: string[]; viewer?: Viewer | null; path?: string } = {}) {
  const viewer = opts.viewer === undefined ? viewerFor(opts.roles ?? ['HR_ADMIN']) : opts.viewer;
  return render(
    <Providers requester={opts.requester ?? mockRequester({}).requester}>
      <MemoryRouter initialEntries={[opts.path ?? '/']}>
        <StaticSession value={{ viewer }}>{ui}</StaticSession>
      </MemoryRouter>
    </Providers>,
  );
}
