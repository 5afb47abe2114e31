#!/usr/bin/env node
// A small stand-in for the creditloop server, built on the API contract: it serves the
// production build (dist/) with SPA fallback, answers GraphQL at /graphql (cookie session +
// X-CSRF-Token, errors with extensions.code) and the CSV endpoints under /api. Used for
// screenshots and to exercise the browser tests before the backend lands.
//
//   node e2e/mock-server.mjs [--port 5181]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildASTSchema, graphql, GraphQLError } from 'graphql';
import { mergeTypeDefs } from '@graphql-tools/merge';
import { buildState, fen, money } from './mock-data.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const DIST = path.join(root, 'dist');
const PASSWORD = process.env.CREDITLOOP_DEMO_PASSWORD ?? 'demo-password-2026';
const ROLE_PERMISSIONS = JSON.parse(fs.readFileSync(path.join(root, 'src/auth/role-permissions.json'), 'utf8'));

// The same schema the web app is typed against (codegen.ts): the server's schema.graphql.
const SCHEMA_FILE = process.env.CREDITLOOP_SCHEMA ?? path.join(root, '../schema.graphql');
const loadSchema = () => buildASTSchema(mergeTypeDefs([fs.readFileSync(SCHEMA_FILE, 'utf8')]));
// The server's lists (crates/app/src/webhooks.rs EVENTS, crates/app/src/notify.rs *_KINDS).
const WEBHOOK_EVENTS = ['credit.received', 'credit.expiring_soon', 'topup.succeeded', 'topup.failed', 'approval.requested', 'review.needed', 'dispute.updated', 'recycle.settled', 'cashout.paid', 'balance.low', 'export.ready'];
const OPTIONAL_KINDS = [
  ['credit_received', 'Credit arrived in your wallet.'], ['expiring_soon', 'Credit in your wallet expires soon.'], ['topup_result', 'A top-up was delivered or failed.'],
  ['dispute_update', 'A dispute you opened changed.'], ['cashout_paid', 'A cash-out was paid.'], ['export_ready', 'An export you asked for is ready.'],
  ['approval_requested', 'A purchase waits for approval (finance).'], ['review_needed', 'An item waits in the review queue (finance).'],
  ['recycle_settled', 'A recycle settled (finance).'], ['low_pool_balance', 'The credit pool is low (finance).'],
];
const MANDATORY_KINDS = [['invitation', 'Invitations to set a password.'], ['one_time_code', 'One-time codes for top-ups.'], ['security_alert', 'Security notices about your account.']];

export function createMockServer() {
  const schema = loadSchema();
  const S = buildState();
  const err = (code, message = code, extra = {}) => new GraphQLError(message, { extensions: { code, ...extra } });
  const permsOf = (u) => [...new Set(u.roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []))];
  const need = (ctx, ...perms) => {
    if (!ctx.user) throw err('UNAUTHENTICATED', 'not signed in');
    if (!perms.some((p) => permsOf(ctx.user).includes(p))) throw err('FORBIDDEN', 'forbidden');
  };
  const signedIn = (ctx) => {
    if (!ctx.user) throw err('UNAUTHENTICATED', 'not signed in');
  };
  const validMoney = (s, field) => {
    if (!/^\d+(\.\d{1,2})?$/.test(s) || fen(s) <= 0) throw err('VALIDATION', `${field} must be a positive amount with at most 2 decimals`, { field });
    return fen(s);
  };
  const idem = (ctx, key, input, fn) => {
    const k = `${key}`;
    const fp = JSON.stringify(input);
    const prev = S.idem.get(k);
    if (prev) {
      if (prev.fp !== fp) throw err('CONFLICT', 'idempotency key reused with a different request');
      return prev.result;
    }
    const result = fn();
    S.idem.set(k, { fp, result });
    return result;
  };
  const conn = (items, first = 50, after = null) => {
    const n = Math.min(first ?? 50, 200);
    const start = after ? Number(Buffer.from(after, 'base64').toString()) + 1 : 0;
    const slice = items.slice(start, start + n);
    return {
      edges: slice.map((node, i) => ({ cursor: Buffer.from(String(start + i)).toString('base64'), node })),
      pageInfo: { hasNextPage: start + n < items.length, endCursor: slice.length ? Buffer.from(String(start + slice.length - 1)).toString('base64') : null },
      totalCount: items.length,
    };
  };
  const now = () => Date.now();
  const wallet = (u) => {
    const w = S.wallets.get(u.id);
    if (!w) return null;
    const live = w.lots.filter((l) => new Date(l.expiresAt).getTime() > now());
    const balance = live.reduce((a, l) => a + l.remaining, 0);
    const held = S.topups.filter((t) => t.user.id === u.id && (t.status === 'PENDING' || t.status === 'REVIEW')).reduce((a, t) => a + fen(t.amount), 0);
    const next = [...live].filter((l) => l.remaining > 0).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))[0];
    return {
      accountId: w.accountId, balance: money(balance), available: money(Math.max(0, balance - held)), held: money(held),
      nextExpiry: next?.expiresAt ?? null, nextExpiryAmount: next ? money(next.remaining) : null,
      lots: ({ includeEmpty }) =>
        w.lots
          .filter((l) => includeEmpty || l.remaining > 0)
          .map((l) => ({ ...l, original: money(l.original), remaining: money(l.remaining), held: money(l.held), expired: new Date(l.expiresAt).getTime() <= now() }))
          .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt)),
      entries: ({ first, after }) => conn([...w.entries].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), first, after),
    };
  };
  const userObj = (u) => (u ? { ...u, wallet: () => wallet(u) } : null);
  const balances = () => ({
    funding: money(S.funding.posted), pool: money(S.pool.posted), payout: money(S.payout.posted),
    granted: money(S.users.reduce((a, u) => { const w = wallet(u); return a + (w ? fen(w.balance) : 0); }, 0)),
  });
  const tenantObj = (ctx) => ({ ...S.tenant, balances: () => (need(ctx, 'tenant.read'), balances()), policy: () => S.policy });
  const checkWebhookUrl = (url) => {
    if (!/^https?:\/\/[^\s/]+/.test(url ?? '')) throw err('VALIDATION', 'the URL must start with https://', { field: 'url' });
    return url.trim();
  };
  const checkEvents = (events) => {
    const unknown = events.find((e) => !WEBHOOK_EVENTS.includes(e));
    if (unknown) throw err('VALIDATION', `unknown event ${unknown}; known: ${WEBHOOK_EVENTS.join(', ')}`, { field: 'events' });
    return events;
  };
  const notificationSettings = (ctx) => [
    ...OPTIONAL_KINDS.map(([kind, description]) => ({ kind, description, enabled: S.prefs.get(`${ctx.user.id}:${kind}`) ?? true, mandatory: false })),
    ...MANDATORY_KINDS.map(([kind, description]) => ({ kind, description, enabled: true, mandatory: true })),
  ];
  const operatorOf = (phone) => {
    if (!/^1\d{10}$/.test(phone)) throw err('VALIDATION', 'phone must be 11 digits starting with 1', { field: 'phone' });
    const p3 = phone.slice(0, 3);
    const table = {
      CHINA_MOBILE: ['134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '157', '158', '159', '172', '178', '182', '183', '184', '187', '188', '195', '197', '198'],
      CHINA_UNICOM: ['130', '131', '132', '145', '155', '156', '166', '170', '171', '175', '176', '185', '186', '196'],
      CHINA_TELECOM: ['133', '149', '153', '173', '177', '180', '181', '189', '190', '191', '193', '199'],
      CHINA_BROADNET: ['192'],
    };
    for (const [op, list] of Object.entries(table)) if (list.includes(p3)) return op;
    throw err('VALIDATION', 'unknown number range', { field: 'phone' });
  };
  const addEntry = (ctx, template, amount, memo, extra = {}) => {
    const e = { id: S.id('ent'), template, status: 'POSTED', memo, batchId: null, reversesId: null, reversedById: null, idempotencyKey: extra.key ?? crypto.randomUUID(), createdAt: S.iso(now()), postedAt: S.iso(now()), voidedAt: null, createdBy: ctx.user?.name ?? 'system', postings: [], amount: money(amount), ...extra };
    delete e.key;
    S.entries.push(e);
    return e;
  };
  const grantTo = (ctx, employeeId, amount, expiresAt, memo, batchId = null) => {
    const u = S.users.find((x) => x.id === employeeId);
    if (!u || !S.wallets.get(u.id)) throw err('NOT_FOUND', 'employee not found', { field: 'employeeId' });
    if (S.pool.posted < amount) throw err('INSUFFICIENT_FUNDS', 'pool balance too low');
    S.pool.posted -= amount;
    const e = addEntry(ctx, 'GRANT', amount, memo, { batchId });
    const lot = { id: S.id('lot'), original: amount, remaining: amount, held: 0, expiresAt, createdAt: e.createdAt, memo };
    S.wallets.get(u.id).lots.push(lot);
    S.wallets.get(u.id).entries.push(e);
    return { entry: e, lot: { ...lot, original: money(amount), remaining: money(amount), held: '0.00', expired: false } };
  };
  const session = (ctx, u) => {
    const token = crypto.randomBytes(16).toString('hex');
    const csrf = crypto.randomBytes(16).toString('hex');
    S.sessions.set(token, { userId: u.id, csrf });
    ctx.setCookie = `creditloop_session=${token}; HttpOnly; Path=/; SameSite=Lax`;
    u.lastLoginAt = S.iso(now());
    return { token, csrfToken: csrf, expiresAt: S.iso(now() + 8 * 3600000), user: userObj(u) };
  };
  const sortDesc = (arr, k = 'createdAt') => [...arr].sort((a, b) => String(b[k]).localeCompare(String(a[k])));
  const decideIn = (ctx, list, id, patch) => {
    need(ctx, 'reviews.decide');
    const x = list.find((i) => i.id === id);
    if (!x) throw err('NOT_FOUND');
    if (x.status !== 'REVIEW') throw err('CONFLICT', 'already decided');
    return Object.assign(x, { decidedAt: S.iso(now()), decidedBy: ctx.user, ...patch });
  };

  const root = {
    // ---- queries
    viewer: (_a, ctx) => {
      signedIn(ctx);
      return { user: userObj(ctx.user), apiKey: null, tenant: tenantObj(ctx), permissions: permsOf(ctx.user), csrfToken: ctx.session.csrf };
    },
    tenant: (_a, ctx) => (signedIn(ctx), tenantObj(ctx)),
    users: ({ first, after, filter }, ctx) => {
      need(ctx, 'users.read', 'roles.manage');
      let list = S.users;
      if (filter?.search) {
        const s = filter.search.toLowerCase();
        list = list.filter((u) => u.name.toLowerCase().includes(s) || u.email.toLowerCase().includes(s) || (u.employeeNo ?? '').toLowerCase().includes(s));
      }
      if (filter?.role) list = list.filter((u) => u.roles.includes(filter.role));
      if (filter?.status) list = list.filter((u) => u.status === filter.status);
      if (filter?.department) list = list.filter((u) => u.department === filter.department);
      return conn(list.map(userObj), first, after);
    },
    user: ({ id }, ctx) => (need(ctx, 'users.read'), userObj(S.users.find((u) => u.id === id))),
    myWallet: (_a, ctx) => (need(ctx, 'wallet.own'), wallet(ctx.user)),
    accounts: ({ first, after, kind }, ctx) => {
      need(ctx, 'accounts.read');
      const list = [
        { id: 'acc_FUNDING', kind: 'FUNDING', asset: 'CASH', owner: null, name: '备付资金', posted: money(S.funding.posted), pendingOut: '0.00', pendingIn: '0.00', available: money(S.funding.posted) },
        { id: 'acc_POOL', kind: 'POOL', asset: 'CREDIT', owner: null, name: '话费池', posted: money(S.pool.posted), pendingOut: '3000.00', pendingIn: '0.00', available: money(S.pool.posted - 300000) },
        { id: 'acc_PAYOUT', kind: 'PAYOUT', asset: 'CASH', owner: null, name: '待兑付', posted: money(S.payout.posted), pendingOut: '0.00', pendingIn: '0.00', available: money(S.payout.posted) },
        { id: 'acc_FEES', kind: 'FEES', asset: 'CASH', owner: null, name: '平台费用', posted: '15.00', pendingOut: '0.00', pendingIn: '0.00', available: '15.00' },
        { id: 'acc_EXT_BANK', kind: 'EXTERNAL', asset: 'CASH', owner: 'bank', name: '外部 · 银行', posted: '-50000.00', pendingOut: '0.00', pendingIn: '0.00', available: '-50000.00' },
        { id: 'acc_EXT_CARRIER', kind: 'EXTERNAL', asset: 'CREDIT', owner: 'carrier', name: '外部 · 运营商', posted: '4210.00', pendingOut: '0.00', pendingIn: '150.00', available: '4210.00' },
        ...S.users.filter((u) => S.wallets.get(u.id)).map((u) => { const w = wallet(u); return { id: S.wallets.get(u.id).accountId, kind: 'WALLET', asset: 'CREDIT', owner: u.id, name: `员工钱包 · ${u.name}`, posted: w.balance, pendingOut: w.held, pendingIn: '0.00', available: w.available }; }),
      ].filter((a) => !kind || a.kind === kind);
      return conn(list, first, after);
    },
    account: ({ id }, ctx) => (need(ctx, 'accounts.read'), null),
    entries: ({ first, after, filter }, ctx) => {
      need(ctx, 'entries.read', 'tenant.read', 'funding.create');
      let list = sortDesc(S.entries);
      if (filter?.template) list = list.filter((e) => e.template === filter.template);
      if (filter?.status) list = list.filter((e) => e.status === filter.status);
      if (filter?.batchId) list = list.filter((e) => e.batchId === filter.batchId);
      if (filter?.from) list = list.filter((e) => e.createdAt >= filter.from);
      if (filter?.to) list = list.filter((e) => e.createdAt <= filter.to);
      return conn(list, first, after);
    },
    entry: ({ id }, ctx) => (need(ctx, 'entries.read'), S.entries.find((e) => e.id === id) ?? null),
    apiKeys: (_a, ctx) => (need(ctx, 'apikeys.manage'), S.apiKeys),
    auditLog: ({ first, after, filter }, ctx) => {
      need(ctx, 'audit.read');
      let list = S.auditEvents;
      if (filter?.action) list = list.filter((e) => e.action.includes(filter.action));
      if (filter?.actor) list = list.filter((e) => e.actor.includes(filter.actor));
      if (filter?.from) list = list.filter((e) => e.at >= filter.from);
      if (filter?.to) list = list.filter((e) => e.at <= filter.to);
      return conn(list, first, after);
    },
    verify: (_a, ctx) => (need(ctx, 'ledger.verify'), { ok: true, checkedAt: S.iso(now()), entriesChecked: S.entries.length, accountsChecked: 6 + S.wallets.size, auditEventsChecked: S.auditEvents.length, violations: [] }),
    operatorOf: ({ phone }, ctx) => {
      signedIn(ctx);
      const operator = operatorOf(phone);
      const names = { CHINA_MOBILE: ['中国移动', 'China Mobile'], CHINA_UNICOM: ['中国联通', 'China Unicom'], CHINA_TELECOM: ['中国电信', 'China Telecom'], CHINA_BROADNET: ['中国广电', 'China Broadnet'] }[operator];
      return { operator, operatorNameZh: names[0], operatorNameEn: names[1], phone };
    },
    purchaseOrders: ({ status }, ctx) => (need(ctx, 'purchases.read', 'purchases.approve', 'purchases.request'), sortDesc(S.purchaseOrders.filter((p) => !status || p.status === status)).map((p) => ({ ...p, requestedBy: userObj(p.requestedBy), decidedBy: userObj(p.decidedBy) }))),
    topups: ({ userId, status, first }, ctx) => (need(ctx, 'topups.read'), sortDesc(S.topups.filter((t) => (!userId || t.user.id === userId) && (!status || t.status === status))).slice(0, first ?? 50)),
    topup: ({ id }, ctx) => (signedIn(ctx), S.topups.find((t) => t.id === id) ?? null),
    myTopups: ({ first }, ctx) => (need(ctx, 'wallet.own'), sortDesc(S.topups.filter((t) => t.user.id === ctx.user.id)).slice(0, first ?? 50)),
    schedules: (_a, ctx) => (need(ctx, 'schedules.read', 'schedules.manage'), S.schedules),
    recycles: ({ status, first }, ctx) => (need(ctx, 'recycles.read', 'recycles.manage'), sortDesc(S.recycles.filter((r) => !status || r.status === status)).slice(0, first ?? 50)),
    voucher: ({ number }, ctx) => (need(ctx, 'recycles.read', 'recycles.manage'), S.recycles.find((r) => r.voucher?.number === number)?.voucher ?? null),
    reviewQueue: (_a, ctx) => (need(ctx, 'reviews.decide'), S.topups.filter((t) => t.status === 'REVIEW')),
    reconciliation: (_a, ctx) => (need(ctx, 'entries.read'), [{ topupId: S.topups[3].id, ledger: 'PENDING', carrier: 'SUCCEEDED' }]),
    disputes: ({ status }, ctx) => {
      signedIn(ctx);
      const mine = !permsOf(ctx.user).includes('disputes.read');
      return sortDesc(S.disputes.filter((d) => (!status || d.status === status) && (!mine || d.topup.user.id === ctx.user.id)));
    },
    cashouts: ({ status, first }, ctx) => (need(ctx, 'payouts.read'), sortDesc(S.cashouts.filter((c) => !status || c.status === status)).slice(0, first ?? 50)),
    myCashouts: ({ first }, ctx) => (need(ctx, 'cashouts.own'), sortDesc(S.cashouts.filter((c) => c.employee.id === ctx.user.id)).slice(0, first ?? 50)),
    webhookEndpoints: (_a, ctx) => (need(ctx, 'webhooks.manage'), S.webhooks),
    webhookEvents: () => WEBHOOK_EVENTS,
    webhookDeliveries: ({ endpointId, status, first, after }, ctx) => (
      need(ctx, 'webhooks.manage'), conn(sortDesc(S.deliveries.filter((d) => (!endpointId || d.endpointId === endpointId) && (!status || d.status === status))), first, after)
    ),
    myNotificationSettings: (_a, ctx) => (need(ctx, 'notifications.own'), notificationSettings(ctx)),

    // ---- mutations
    login: ({ email, password }, ctx) => {
      const u = S.users.find((x) => x.email.toLowerCase() === email.toLowerCase() && x.status === 'ACTIVE');
      if (!u || password !== PASSWORD) throw err('UNAUTHENTICATED', 'invalid email or password');
      return session(ctx, u);
    },
    logout: (_a, ctx) => {
      if (ctx.token) S.sessions.delete(ctx.token);
      ctx.setCookie = 'creditloop_session=; HttpOnly; Path=/; Max-Age=0';
      return true;
    },
    changePassword: ({ current }, ctx) => {
      signedIn(ctx);
      if (current !== PASSWORD) throw err('VALIDATION', 'current password is wrong', { field: 'current' });
      return true;
    },
    acceptInvitation: ({ token, password }, ctx) => {
      const u = S.users.find((x) => x.status === 'INVITED');
      if (!u || token.length < 8) throw err('NOT_FOUND', 'invitation not found');
      if (password.length < 10) throw err('VALIDATION', 'password too short', { field: 'password' });
      u.status = 'ACTIVE';
      return session(ctx, u);
    },
    inviteUser: ({ input }, ctx) => {
      need(ctx, 'users.invite');
      if (S.users.some((u) => u.email === input.email)) throw err('CONFLICT', 'email already exists');
      const u = { id: S.id('usr'), status: 'INVITED', createdAt: S.iso(now()), lastLoginAt: null, locale: 'ZH_CN', employeeNo: null, phone: null, department: null, costCenter: null, ...input };
      S.users.push(u);
      if (u.roles.includes('EMPLOYEE')) S.wallets.set(u.id, { accountId: S.id('acc'), lots: [], entries: [] });
      return userObj(u);
    },
    updateUser: ({ id, input }, ctx) => {
      signedIn(ctx);
      const u = S.users.find((x) => x.id === id);
      if (!u) throw err('NOT_FOUND');
      if (u.id !== ctx.user.id) need(ctx, 'users.update');
      Object.assign(u, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
      return userObj(u);
    },
    setUserRoles: ({ id, roles }, ctx) => {
      need(ctx, 'roles.manage');
      const u = S.users.find((x) => x.id === id);
      if (!u) throw err('NOT_FOUND');
      u.roles = roles;
      return userObj(u);
    },
    deactivateUser: ({ id, idempotencyKey }, ctx) => {
      need(ctx, 'users.deactivate');
      return idem(ctx, idempotencyKey, { id }, () => {
        const u = S.users.find((x) => x.id === id);
        if (!u) throw err('NOT_FOUND');
        const w = S.wallets.get(u.id);
        if (w) {
          const rest = w.lots.reduce((a, l) => a + l.remaining, 0);
          if (rest > 0) {
            S.pool.posted += rest;
            const e = addEntry(ctx, 'RECLAIM', rest, `离职回收 · ${u.name}`);
            w.entries.push(e);
          }
          w.lots.forEach((l) => (l.remaining = 0));
        }
        u.status = 'DEACTIVATED';
        return userObj(u);
      });
    },
    createApiKey: ({ name, roles }, ctx) => {
      need(ctx, 'apikeys.manage');
      if (roles.includes('OWNER')) throw err('VALIDATION', 'API keys cannot have OWNER', { field: 'roles' });
      const secret = `ck_${crypto.randomBytes(20).toString('hex')}`;
      const key = { id: S.id('key'), name, prefix: secret.slice(0, 7), roles, createdAt: S.iso(now()), lastUsedAt: null, revokedAt: null };
      S.apiKeys.unshift(key);
      return { apiKey: key, secret };
    },
    revokeApiKey: ({ id }, ctx) => {
      need(ctx, 'apikeys.manage');
      const k = S.apiKeys.find((x) => x.id === id);
      if (!k) throw err('NOT_FOUND');
      k.revokedAt = S.iso(now());
      return k;
    },
    fund: ({ input }, ctx) => {
      need(ctx, 'funding.create');
      const amount = validMoney(input.amount, 'amount');
      return idem(ctx, input.idempotencyKey, input, () => {
        S.funding.posted += amount;
        return addEntry(ctx, 'FUND', amount, input.reference);
      });
    },
    grant: ({ input }, ctx) => {
      need(ctx, 'grants.create');
      const amount = validMoney(input.amount, 'amount');
      return idem(ctx, input.idempotencyKey, input, () => grantTo(ctx, input.employeeId, amount, input.expiresAt, input.memo));
    },
    grantBatch: ({ input }, ctx) => {
      need(ctx, 'grants.create');
      const amounts = input.items.map((i) => validMoney(i.amount, 'amount'));
      const total = amounts.reduce((a, b) => a + b, 0);
      return idem(ctx, input.idempotencyKey, input, () => {
        if (S.pool.posted < total) throw err('INSUFFICIENT_FUNDS', 'pool balance too low');
        const batchId = S.id('bat');
        input.items.forEach((i, k) => grantTo(ctx, i.employeeId, amounts[k], i.expiresAt ?? input.expiresAt, i.memo ?? input.memo, batchId));
        return { batchId, count: input.items.length, total: money(total) };
      });
    },
    reverseEntry: ({ id, reason, idempotencyKey }, ctx) => {
      need(ctx, 'entries.reverse');
      return idem(ctx, idempotencyKey, { id, reason }, () => {
        const e = S.entries.find((x) => x.id === id);
        if (!e) throw err('NOT_FOUND');
        if (e.reversedById) throw err('CONFLICT', 'already reversed');
        const r = addEntry(ctx, 'REVERSAL', fen(e.amount), reason, { reversesId: e.id });
        e.reversedById = r.id;
        return r;
      });
    },
    requestPurchase: ({ faceValue, price, supplier, idempotencyKey }, ctx) => {
      need(ctx, 'purchases.request');
      validMoney(faceValue, 'faceValue');
      validMoney(price, 'price');
      return idem(ctx, idempotencyKey, { faceValue, price, supplier }, () => {
        const po = { id: S.id('po'), faceValue, price, supplier, status: 'PENDING_APPROVAL', requestedBy: ctx.user, decidedBy: null, reason: null, createdAt: S.iso(now()), decidedAt: null, entry: null };
        S.purchaseOrders.push(po);
        return { ...po, requestedBy: userObj(po.requestedBy) };
      });
    },
    approvePurchase: ({ id, idempotencyKey }, ctx) => {
      need(ctx, 'purchases.approve');
      return idem(ctx, idempotencyKey, { id }, () => {
        const po = S.purchaseOrders.find((p) => p.id === id);
        if (!po) throw err('NOT_FOUND');
        if (po.requestedBy.id === ctx.user.id) throw err('FORBIDDEN', 'cannot approve own request');
        if (po.status !== 'PENDING_APPROVAL') throw err('CONFLICT', 'already decided');
        if (S.funding.posted < fen(po.price)) throw err('INSUFFICIENT_FUNDS');
        S.funding.posted -= fen(po.price);
        S.pool.posted += fen(po.faceValue);
        Object.assign(po, { status: 'APPROVED', decidedBy: ctx.user, decidedAt: S.iso(now()) });
        addEntry(ctx, 'PURCHASE', fen(po.faceValue), po.supplier);
        return { ...po, requestedBy: userObj(po.requestedBy), decidedBy: userObj(po.decidedBy) };
      });
    },
    rejectPurchase: ({ id, reason }, ctx) => {
      need(ctx, 'purchases.approve');
      const po = S.purchaseOrders.find((p) => p.id === id);
      if (!po) throw err('NOT_FOUND');
      Object.assign(po, { status: 'REJECTED', reason, decidedBy: ctx.user, decidedAt: S.iso(now()) });
      return { ...po, requestedBy: userObj(po.requestedBy), decidedBy: userObj(po.decidedBy) };
    },
    createSchedule: ({ input }, ctx) => {
      need(ctx, 'schedules.manage');
      validMoney(input.amount, 'amount');
      const s = { id: S.id('sc'), dayOfMonth: null, dayOfWeek: null, runAt: null, department: null, employeeIds: null, expiryDays: null, expireAtPeriodEnd: false, ...input, paused: false, nextRunAt: S.iso(now() + 5 * 86400000), runs: [] };
      S.schedules.push(s);
      return s;
    },
    setSchedulePaused: ({ id, paused }, ctx) => {
      need(ctx, 'schedules.manage');
      const s = S.schedules.find((x) => x.id === id);
      if (!s) throw err('NOT_FOUND');
      s.paused = paused;
      s.nextRunAt = paused ? null : S.iso(now() + 5 * 86400000);
      return s;
    },
    requestTopupCode: ({ phone }, ctx) => (need(ctx, 'topups.create_own'), operatorOf(phone), true),
    topup: ({ phone, amount, code, idempotencyKey }, ctx) => {
      need(ctx, 'topups.create_own');
      const a = validMoney(amount, 'amount');
      const op = operatorOf(phone);
      if (phone !== ctx.user.phone && !code) throw err('VALIDATION', 'a one-time code is required for another number', { field: 'code' });
      if (a > fen(S.policy.topupSingleMax)) throw err('LIMIT_EXCEEDED', 'single top-up maximum');
      return idem(ctx, idempotencyKey, { phone, amount, code }, () => {
        const w = S.wallets.get(ctx.user.id);
        let need_ = a;
        const lots = w.lots.filter((l) => l.remaining > 0 && new Date(l.expiresAt).getTime() > now()).sort((x, y) => x.expiresAt.localeCompare(y.expiresAt));
        if (lots.reduce((s, l) => s + l.remaining, 0) < a) throw err('INSUFFICIENT_FUNDS', 'wallet balance too low');
        for (const l of lots) { const take = Math.min(l.remaining, need_); l.remaining -= take; need_ -= take; if (!need_) break; }
        const e = addEntry(ctx, 'TOPUP_HOLD', a, `充值 ${phone}`);
        w.entries.push(e);
        const t = { id: S.id('tp'), phone, operator: op, amount: money(a), status: 'SUCCEEDED', failureReason: null, createdAt: S.iso(now()), completedAt: S.iso(now()), user: ctx.user, entry: e };
        S.topups.push(t);
        return t;
      });
    },
    topupFor: ({ employeeId, phone, amount, idempotencyKey }, ctx) => {
      need(ctx, 'topups.create_for');
      const u = S.users.find((x) => x.id === employeeId);
      if (!u || !S.wallets.get(u.id)) throw err('NOT_FOUND', 'employee not found');
      const a = validMoney(amount, 'amount');
      const target = phone || u.phone;
      const op = operatorOf(target);
      return idem(ctx, idempotencyKey, { employeeId, phone, amount }, () => {
        const w = S.wallets.get(u.id);
        const lots = w.lots.filter((l) => l.remaining > 0 && new Date(l.expiresAt).getTime() > now()).sort((x, y) => x.expiresAt.localeCompare(y.expiresAt));
        if (lots.reduce((sum, l) => sum + l.remaining, 0) < a) throw err('INSUFFICIENT_FUNDS', 'wallet balance too low');
        let rest = a;
        for (const l of lots) { const take = Math.min(l.remaining, rest); l.remaining -= take; rest -= take; if (!rest) break; }
        const e = addEntry(ctx, 'TOPUP_HOLD', a, `充值 ${target}`);
        w.entries.push(e);
        const t = { id: S.id('tp'), phone: target, operator: op, amount: money(a), status: 'PENDING', reviewReason: null, failureReason: null, createdAt: S.iso(now()), completedAt: null, user: u, entry: e };
        S.topups.push(t);
        return t;
      });
    },
    quoteRecycle: ({ faceValue }, ctx) => {
      need(ctx, 'recycles.manage');
      const f = validMoney(faceValue, 'faceValue');
      if (f > S.pool.posted) throw err('INSUFFICIENT_FUNDS', 'pool balance too low');
      const gross = Math.floor((f * 9200 + 5000) / 10000);
      const q = { id: S.id('qt'), faceValue: money(f), rate: S.policy.recycleRate, gross: money(gross), fee: S.policy.recycleFee, net: money(gross - fen(S.policy.recycleFee)), settlementDelayDays: S.policy.settlementDelayDays, expiresAt: S.iso(now() + 15 * 60000) };
      S.quotes.set(q.id, q);
      return q;
    },
    confirmRecycle: ({ quoteId, idempotencyKey }, ctx) => {
      need(ctx, 'recycles.manage');
      return idem(ctx, idempotencyKey, { quoteId }, () => {
        const q = S.quotes.get(quoteId);
        if (!q) throw err('NOT_FOUND', 'quote not found');
        S.pool.posted -= fen(q.faceValue);
        const review = fen(q.faceValue) > fen(S.policy.recycleReviewThreshold);
        const r = { id: S.id('rc'), faceValue: q.faceValue, rate: q.rate, gross: q.gross, fee: q.fee, net: q.net, status: review ? 'REVIEW' : 'HELD', requestedBy: ctx.user.name, reason: null, decidedBy: null, decidedAt: null, createdAt: S.iso(now()), settleAfter: review ? null : S.iso(now() + 86400000), settledAt: null, voucher: null };
        S.recycles.unshift(r);
        return r;
      });
    },
    cashout: ({ amount, idempotencyKey }, ctx) => {
      need(ctx, 'cashouts.own');
      const a = validMoney(amount, 'amount');
      return idem(ctx, idempotencyKey, { amount }, () => {
        const c = { id: S.id('co'), employee: ctx.user, credit: money(a), rate: S.policy.cashoutRate, cash: money(Math.floor((a * 9000 + 5000) / 10000)), status: a > fen(S.policy.cashoutReviewThreshold) ? 'REVIEW' : 'APPROVED', reason: null, createdAt: S.iso(now()), decidedAt: null, paidAt: null };
        S.cashouts.push(c);
        return c;
      });
    },
    markCashoutPaid: ({ id, idempotencyKey }, ctx) => {
      need(ctx, 'payouts.manage');
      return idem(ctx, idempotencyKey, { id }, () => {
        const c = S.cashouts.find((x) => x.id === id);
        if (!c) throw err('NOT_FOUND');
        if (c.status !== 'APPROVED') throw err('CONFLICT', 'not payable');
        Object.assign(c, { status: 'PAID', paidAt: S.iso(now()) });
        return c;
      });
    },
    approveCashout: ({ id }, ctx) => decideIn(ctx, S.cashouts, id, { status: 'APPROVED' }),
    rejectCashout: ({ id, reason }, ctx) => decideIn(ctx, S.cashouts, id, { status: 'REJECTED', reason }),
    approveTopup: ({ id }, ctx) => decideIn(ctx, S.topups, id, { status: 'SUCCEEDED', completedAt: S.iso(now()) }),
    rejectTopup: ({ id, reason }, ctx) => decideIn(ctx, S.topups, id, { status: 'REJECTED', failureReason: reason }),
    approveRecycle: ({ id }, ctx) => decideIn(ctx, S.recycles, id, { status: 'HELD', settleAfter: S.iso(now() + 86400000) }),
    rejectRecycle: ({ id, reason }, ctx) => decideIn(ctx, S.recycles, id, { status: 'REJECTED', reason }),
    cancelRecycle: ({ id, reason }, ctx) => {
      need(ctx, 'recycles.manage');
      const r = S.recycles.find((x) => x.id === id);
      if (!r) throw err('NOT_FOUND');
      if (r.status !== 'HELD' && r.status !== 'REVIEW') throw err('CONFLICT', 'already settled');
      S.pool.posted += fen(r.faceValue);
      return Object.assign(r, { status: 'CANCELLED', reason });
    },
    runExpirySweep: (_a, ctx) => {
      need(ctx, 'sweeps.run');
      let lots = 0;
      let total = 0;
      for (const w of S.wallets.values())
        for (const l of w.lots)
          if (l.remaining > 0 && new Date(l.expiresAt).getTime() <= now()) { lots++; total += l.remaining; l.remaining = 0; }
      S.pool.posted += total;
      return { lots, total: money(total) };
    },
    openDispute: ({ topupId, reason }, ctx) => {
      need(ctx, 'disputes.own');
      const t = S.topups.find((x) => x.id === topupId && x.user.id === ctx.user.id);
      if (!t) throw err('NOT_FOUND');
      const d = { id: S.id('dp'), topup: t, reason, status: 'OPEN', resolution: null, createdAt: S.iso(now()), resolvedAt: null };
      S.disputes.push(d);
      return d;
    },
    resolveDispute: ({ id, refund, resolution, idempotencyKey }, ctx) => {
      need(ctx, 'disputes.resolve');
      return idem(ctx, idempotencyKey, { id, refund, resolution }, () => {
        const d = S.disputes.find((x) => x.id === id);
        if (!d) throw err('NOT_FOUND');
        Object.assign(d, { status: refund ? 'REFUNDED' : 'REJECTED', resolution, resolvedAt: S.iso(now()) });
        return d;
      });
    },
    updatePolicy: ({ input }, ctx) => {
      need(ctx, 'policy.manage');
      Object.assign(S.policy, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null)));
      return S.policy;
    },
    createWebhookEndpoint: ({ input }, ctx) => {
      need(ctx, 'webhooks.manage');
      const w = { id: S.id('wh'), url: checkWebhookUrl(input.url), events: checkEvents(input.events ?? []), description: input.description ?? null, active: input.active ?? true, createdAt: S.iso(now()), updatedAt: S.iso(now()) };
      S.webhooks.push(w);
      return { endpoint: w, secret: `whsec_${crypto.randomBytes(24).toString('hex')}` };
    },
    updateWebhookEndpoint: ({ id, input }, ctx) => {
      need(ctx, 'webhooks.manage');
      const w = S.webhooks.find((x) => x.id === id);
      if (!w) throw err('NOT_FOUND', 'webhook endpoint not found');
      if (input.url != null) w.url = checkWebhookUrl(input.url);
      if (input.events != null) w.events = checkEvents(input.events);
      if (input.description !== undefined) w.description = input.description;
      if (input.active != null) w.active = input.active;
      w.updatedAt = S.iso(now());
      return w;
    },
    deleteWebhookEndpoint: ({ id }, ctx) => {
      need(ctx, 'webhooks.manage');
      if (!S.webhooks.some((w) => w.id === id)) throw err('NOT_FOUND', 'webhook endpoint not found');
      S.webhooks = S.webhooks.filter((w) => w.id !== id);
      S.deliveries = S.deliveries.filter((d) => d.endpointId !== id);
      return true;
    },
    replayWebhookDelivery: ({ id }, ctx) => {
      need(ctx, 'webhooks.manage');
      const d = S.deliveries.find((x) => x.id === id);
      if (!d) throw err('NOT_FOUND', 'delivery not found');
      Object.assign(d, { status: 'DELIVERED', attempts: d.attempts + 1, lastStatusCode: 200, lastError: null, deliveredAt: S.iso(now()) });
      return d;
    },
    sendTestWebhook: ({ endpointId }, ctx) => {
      need(ctx, 'webhooks.manage');
      if (!S.webhooks.some((w) => w.id === endpointId)) throw err('NOT_FOUND', 'webhook endpoint not found');
      const d = { id: S.id('dl'), endpointId, event: 'webhook.test', payload: JSON.stringify({ event: 'webhook.test', tenant: S.tenant.id, at: S.iso(now()) }), status: 'PENDING', attempts: 0, nextAttemptAt: S.iso(now()), lastStatusCode: null, lastError: null, createdAt: S.iso(now()), deliveredAt: null };
      S.deliveries.push(d);
      return d;
    },
    updateMyNotificationSettings: ({ settings }, ctx) => {
      need(ctx, 'notifications.own');
      for (const { kind, enabled } of settings) {
        if (MANDATORY_KINDS.some(([k]) => k === kind)) {
          if (!enabled) throw err('VALIDATION', `${kind} mail cannot be switched off`, { field: 'settings' });
        } else if (!OPTIONAL_KINDS.some(([k]) => k === kind)) throw err('VALIDATION', `unknown notification kind ${kind}`, { field: 'settings' });
      }
      for (const { kind, enabled } of settings) if (OPTIONAL_KINDS.some(([k]) => k === kind)) S.prefs.set(`${ctx.user.id}:${kind}`, enabled);
      return notificationSettings(ctx);
    },
  };

  // ---------- HTTP ----------
  const readBody = (req) => new Promise((resolve, reject) => { const chunks = []; req.on('data', (c) => chunks.push(c)); req.on('end', () => resolve(Buffer.concat(chunks))); req.on('error', reject); });
  const cookieToken = (req) => /(?:^|;\s*)creditloop_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? null;
  const context = (req) => {
    const token = cookieToken(req);
    const sess = token ? S.sessions.get(token) : null;
    const user = sess ? S.users.find((u) => u.id === sess.userId) : null;
    return { token, session: sess, user: user && user.status !== 'DEACTIVATED' ? user : null, setCookie: null };
  };
  const json = (res, status, body, headers = {}) => { res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }); res.end(JSON.stringify(body)); };

  async function handleGraphQL(req, res) {
    const ctx = context(req);
    let body;
    try { body = JSON.parse((await readBody(req)).toString('utf8')); } catch { return json(res, 400, { errors: [{ message: 'bad JSON', extensions: { code: 'VALIDATION' } }] }); }
    const isMutation = /^\s*mutation\b/.test(body.query ?? '');
    const isLogin = /^\s*mutation\s+(Login|AcceptInvitation)\b/.test(body.query ?? '');
    if (ctx.session && isMutation && !isLogin && req.headers['x-csrf-token'] !== ctx.session.csrf) {
      return json(res, 200, { errors: [{ message: 'missing or wrong X-CSRF-Token', extensions: { code: 'FORBIDDEN' } }] });
    }
    const result = await graphql({ schema, source: body.query, variableValues: body.variables, rootValue: root, contextValue: ctx });
    const out = { ...(result.data !== undefined ? { data: result.data } : {}), ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions?.code ? e.extensions : { code: 'GRAPHQL_VALIDATION_FAILED' } })) } : {}) };
    if (out.data === null && out.errors?.length) delete out.data;
    json(res, result.errors && !result.data ? 200 : 200, out, ctx.setCookie ? { 'Set-Cookie': ctx.setCookie } : {});
  }

  const parseCsv = (text) => {
    const rows = [];
    let row = [], cell = '', q = false;
    text = text.replace(/^\uFEFF/, '');
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (q) { if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c; continue; }
      if (c === '"') q = true; else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') { if (c === '\r' && text[i + 1] === '\n') i++; row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
    }
    if (cell || row.length) { row.push(cell); rows.push(row); }
    return rows.filter((r) => r.some((x) => x.trim()));
  };
  const multipartFile = (buf, contentType) => {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '')?.slice(1).find(Boolean);
    if (!boundary) return null;
    const text = buf.toString('utf8');
    for (const part of text.split(`--${boundary}`)) {
      if (!/filename=/.test(part)) continue;
      const i = part.indexOf('\r\n\r\n');
      return part.slice(i + 4).replace(/\r\n$/, '');
    }
    return null;
  };

  async function handleImport(req, res, kind) {
    const ctx = context(req);
    if (!ctx.user) return fail(res, 401, 'UNAUTHENTICATED', 'not signed in');
    if (!permsOf(ctx.user).includes('imports.run')) return fail(res, 403, 'FORBIDDEN', 'forbidden');
    if (req.headers['x-csrf-token'] !== ctx.session.csrf) return fail(res, 403, 'FORBIDDEN', 'missing X-CSRF-Token');
    const csv = multipartFile(await readBody(req), req.headers['content-type']);
    if (csv === null) return fail(res, 400, 'VALIDATION', 'multipart field "file" is required');
    const [header = [], ...data] = parseCsv(csv);
    const cols = header.map((h) => h.trim());
    const rows = data.map((r) => Object.fromEntries(cols.map((c, i) => [c, (r[i] ?? '').trim()])));
    const errors = [];
    let totals;
    if (kind === 'employees') {
      const seen = new Set();
      const missing = ['employee_no', 'name', 'email'].filter((c) => !cols.includes(c));
      if (missing.length) return fail(res, 422, 'VALIDATION', `the header has no column ${missing[0]}`);
      rows.forEach((r, i) => {
        const row = i + 2;
        if (!r.employee_no) errors.push({ row, column: 'employee_no', message: 'employee_no is required' });
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(r.email ?? '')) errors.push({ row, column: 'email', message: `"${r.email ?? ''}" is not a valid email address` });
        else if (seen.has(r.email)) errors.push({ row, column: 'email', message: `the email ${r.email} appears twice; each employee must be listed once` });
        seen.add(r.email);
        if (!r.name) errors.push({ row, column: 'name', message: 'name is required' });
        if (r.phone && !/^1\d{10}$/.test(r.phone)) errors.push({ row, column: 'phone', message: 'a mainland mobile number has 11 digits and starts with 1' });
      });
      const existing = rows.filter((r) => S.users.some((u) => u.email === r.email || (r.employee_no && u.employeeNo === r.employee_no))).length;
      totals = { rows: rows.length, new: rows.length - existing, updated: existing, deactivated: 0, skipped: 0 };
    } else if (kind === 'distributions') {
      let sum = 0;
      const who = new Set();
      rows.forEach((r, i) => {
        const row = i + 2;
        const u = S.users.find((x) => (r.employee_no && x.employeeNo === r.employee_no) || (r.email && x.email === r.email));
        if (!u) errors.push({ row, column: r.employee_no ? 'employee_no' : 'email', message: `no active employee has the ${r.employee_no ? `employee number ${r.employee_no}` : `email ${r.email}`}` });
        else who.add(u.id);
        if (!/^\d+(\.\d{1,2})?$/.test(r.amount ?? '') || fen(r.amount) <= 0) errors.push({ row, column: 'amount', message: 'the amount must be positive with at most 2 decimals' });
        else sum += fen(r.amount);
      });
      totals = { rows: rows.length, employees: who.size, amount: money(sum) };
    } else return fail(res, 404, 'NOT_FOUND', 'unknown import kind');
    const id = crypto.randomUUID();
    errors.sort((x, y) => x.row - y.row);
    S.imports.set(id, { kind, rows, errors, totals, committed: null });
    json(res, 200, { id, kind, status: 'UPLOADED', rows: rows.length, errors, totals });
  }

  async function handleCommit(req, res, id) {
    const ctx = context(req);
    if (!ctx.user) return fail(res, 401, 'UNAUTHENTICATED');
    if (req.headers['x-csrf-token'] !== ctx.session.csrf) return fail(res, 403, 'FORBIDDEN', 'missing X-CSRF-Token');
    const imp = S.imports.get(id);
    if (!imp) return fail(res, 404, 'NOT_FOUND', 'import not found');
    if (!req.headers['idempotency-key']) return fail(res, 422, 'VALIDATION', 'send an Idempotency-Key header with the commit');
    if (imp.errors.length) return fail(res, 422, 'VALIDATION', `the import has ${imp.errors.length} error(s); fix the file and upload it again`);
    if (!imp.committed) {
      if (imp.kind === 'employees') {
        let created = 0;
        for (const r of imp.rows) {
          if (S.users.some((u) => u.email === r.email || (r.employee_no && u.employeeNo === r.employee_no))) continue;
          const u = { id: S.id('usr'), email: r.email, name: r.name, roles: ['EMPLOYEE'], status: 'INVITED', employeeNo: r.employee_no || null, phone: r.phone || null, department: r.department || null, costCenter: r.cost_center || null, locale: /^en/.test(r.locale ?? '') ? 'EN' : 'ZH_CN', createdAt: S.iso(now()), lastLoginAt: null };
          S.users.push(u);
          S.wallets.set(u.id, { accountId: S.id('acc'), lots: [], entries: [] });
          created++;
        }
        imp.committed = { ...imp.totals, new: created, updated: imp.rows.length - created, id, status: 'COMMITTED' };
      } else {
        const batchId = S.id('bat');
        let total = 0;
        for (const r of imp.rows) {
          const u = S.users.find((x) => (r.employee_no && x.employeeNo === r.employee_no) || (r.email && x.email === r.email));
          grantTo(ctx, u.id, fen(r.amount), r.expires_at || S.iso(now() + 30 * 86400000), r.memo || null, batchId);
          total += fen(r.amount);
        }
        imp.committed = { ...imp.totals, count: imp.rows.length, amount: money(total), batchId, id, status: 'COMMITTED' };
      }
    }
    json(res, 200, imp.committed);
  }

  function handleExport(req, res, kind, url) {
    const ctx = context(req);
    if (!ctx.user) return fail(res, 401, 'UNAUTHENTICATED');
    if (!permsOf(ctx.user).includes('exports.read')) return fail(res, 403, 'FORBIDDEN');
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    const cell = (v) => { let s = String(v ?? ''); if (/^[=+\-@\t\r]/.test(s) && !/^-\d+(\.\d+)?$/.test(s)) s = `'${s}`; // amounts stay numbers
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
    let lines;
    if (kind === 'statements') {
      // The server's columns: one row per wallet entry in the range, with the running balance.
      lines = [['employee_no', 'employee', 'department', 'date', 'entry_id', 'template', 'memo', 'amount', 'balance']];
      for (const u of S.users) {
        const w = S.wallets.get(u.id);
        if (!w) continue;
        let bal = 0;
        for (const e of [...w.entries].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
          const amt = fen(e.amount) * (/TOPUP|CASHOUT|EXPIRE|RECLAIM/.test(e.template) ? -1 : 1);
          bal += amt;
          if ((from && e.createdAt < from) || (to && e.createdAt > to)) continue;
          lines.push([u.employeeNo, u.name, u.department, e.createdAt.slice(0, 10), e.id, e.template, e.memo, (amt < 0 ? '-' : '') + money(Math.abs(amt)), money(bal)]);
        }
      }
    } else if (kind === 'entries') {
      lines = [['id', 'created_at', 'template', 'status', 'amount', 'memo', 'created_by']];
      for (const e of sortDesc(S.entries).filter((e) => (!from || e.createdAt >= from) && (!to || e.createdAt <= to))) lines.push([e.id, e.createdAt, e.template, e.status, e.amount, e.memo, e.createdBy]);
    } else if (kind === 'payouts') {
      lines = [['id', 'employee_no', 'name', 'credit', 'rate', 'cash', 'status', 'created_at', 'paid_at']];
      for (const c of S.cashouts) lines.push([c.id, c.employee.employeeNo, c.employee.name, c.credit, c.rate, c.cash, c.status, c.createdAt, c.paidAt ?? '']);
    } else if (kind === 'balances') {
      lines = [['account', 'kind', 'asset', 'posted']];
      lines.push(['话费池', 'POOL', 'CREDIT', money(S.pool.posted)], ['备付资金', 'FUNDING', 'CASH', money(S.funding.posted)]);
    } else if (kind === 'settlements') {
      lines = [['voucher', 'face_value', 'rate', 'fee', 'net', 'settled_at']];
      for (const r of S.recycles.filter((r) => r.voucher)) lines.push([r.voucher.number, r.faceValue, r.rate, r.fee, r.net, r.settledAt]);
    } else if (kind === 'audit') {
      lines = [['seq', 'at', 'actor', 'action', 'target', 'outcome', 'hash']];
      for (const a of S.auditEvents) lines.push([a.seq, a.at, a.actor, a.action, a.target, a.outcome, a.hash]);
    } else if (kind === 'reconciliation') {
      if (!permsOf(ctx.user).includes('ledger.verify')) return fail(res, 403, 'FORBIDDEN', 'forbidden');
      lines = [['topup_id', 'ledger', 'carrier'], [S.topups[3].id, 'PENDING', 'SUCCEEDED']];
    } else return fail(res, 404, 'NOT_FOUND', 'export kind');
    const csv = (url.searchParams.get('bom') === '1' ? '\uFEFF' : '') + lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
    const day = (iso) => new Date(new Date(iso).getTime() + 8 * 3600000).toISOString().slice(0, 10).replace(/-/g, '');
    const name = `creditloop-${kind}-${from ? day(from) : 'start'}-${day(to ? new Date(new Date(to).getTime() - 1).toISOString() : new Date().toISOString())}.csv`;
    res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });
    res.end(csv);
  }

  const TEMPLATES = {
    employees: ['employee_no,name,email,phone,department,cost_center,status,locale', 'E0001,张三,zhangsan@example.com,13800138000,销售部,CC-100,ACTIVE,zh-CN'],
    distributions: ['employee_no,email,amount,expires_at,memo', 'E0001,,50.00,2030-12-31,十二月话费'],
    allowances: ['employee_no,amount,name,frequency,day_of_month,run_at,expiry_days', 'E0001,50.00,每月话费补贴,MONTHLY,1,,'],
  };
  function handleTemplate(res, kind) {
    if (!TEMPLATES[kind]) return fail(res, 404, 'NOT_FOUND', 'import kind (employees, distributions or allowances)');
    res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="creditloop-${kind}-template.csv"` });
    res.end(`\uFEFF${TEMPLATES[kind].join('\r\n')}\r\n`);
  }
  /** The server's REST error shape: the GraphQL one, with the code's HTTP status. */
  const fail = (res, status, code, message = code) => json(res, status, { errors: [{ message, extensions: { code } }] });

  const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2' };
  function serveStatic(res, pathname) {
    let file = path.join(DIST, decodeURIComponent(pathname));
    if (!file.startsWith(DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(DIST, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(503); return res.end('dist/ missing: run npm run build'); }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  }

  return http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      if (url.pathname === '/graphql' && req.method === 'POST') return await handleGraphQL(req, res);
      let m;
      if ((m = /^\/api\/imports\/templates\/([^/]+)$/.exec(url.pathname)) && req.method === 'GET') return handleTemplate(res, m[1]);
      if ((m = /^\/api\/imports\/([^/]+)\/commit$/.exec(url.pathname)) && req.method === 'POST') return await handleCommit(req, res, m[1]);
      if ((m = /^\/api\/imports\/([^/]+)$/.exec(url.pathname)) && req.method === 'POST') return await handleImport(req, res, m[1]);
      if ((m = /^\/api\/exports\/([^/]+)$/.exec(url.pathname)) && req.method === 'GET') return handleExport(req, res, m[1], url);
      if (url.pathname.startsWith('/api/')) return json(res, 404, { errors: [{ message: 'no such API endpoint', extensions: { code: 'NOT_FOUND' } }] });
      return serveStatic(res, url.pathname);
    } catch (e) {
      console.error(e);
      json(res, 500, { errors: [{ message: 'internal', extensions: { code: 'INTERNAL' } }] });
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT ?? 5181);
  createMockServer().listen(port, '127.0.0.1', () => console.log(`creditloop mock server on http://127.0.0.1:${port}`));
}
