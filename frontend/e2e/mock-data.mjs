// Deterministic demo data for the mock server (screenshots and browser tests before the
// backend lands). Money is handled in integer fen and rendered as "12.30" strings.

export const fen = (s) => {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(String(s).trim());
  if (!m) throw new Error(`bad money ${s}`);
  const v = Number(m[2]) * 100 + Number(((m[3] ?? '') + '00').slice(0, 2));
  return m[1] ? -v : v;
};
export const money = (f) => {
  const neg = f < 0;
  const a = Math.abs(f);
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
};

const DAY = 86400000;
// A fixed "now" keeps screenshots stable; the clock is the real one for the last 30 days' chart.
export function buildState(now = Date.now()) {
  const iso = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let seq = 1;
  const id = (p) => `${p}_${String(seq++).padStart(4, '0')}`;

  const tenant = { id: 'tn_demo', name: '示例科技有限公司', slug: 'demo', timezone: 'Asia/Shanghai', createdAt: iso(now - 200 * DAY) };
  const policy = {
    topupDailyLimit: '200.00', topupMonthlyLimit: '500.00', topupSingleMax: '200.00', tenantDailyCap: '20000.00',
    purchaseApprovalThreshold: '5000.00', recycleReviewThreshold: '2000.00', velocityMaxTopups: 5, velocityWindowMinutes: 60,
    recycleRate: '0.9200', recycleFee: '5.00', settlementDelayDays: 1, cashoutEnabled: true, cashoutRate: '0.9000',
    cashoutReviewThreshold: '500.00', lowPoolThreshold: '5000.00',
  };

  const staff = [
    { email: 'owner@demo.creditloop.test', name: '王建国', roles: ['OWNER'], department: '总经办', employeeNo: 'A0001' },
    { email: 'hr@demo.creditloop.test', name: '李娜', roles: ['HR_ADMIN'], department: '人力资源部', employeeNo: 'A0002' },
    { email: 'finance@demo.creditloop.test', name: '陈静', roles: ['FINANCE'], department: '财务部', employeeNo: 'A0003' },
    { email: 'auditor@demo.creditloop.test', name: '赵磊', roles: ['AUDITOR'], department: '内审部', employeeNo: 'A0004' },
  ];
  const empNames = ['张伟', '刘洋', '王芳', '杨帆', '黄磊', '周婷', '吴昊', '徐静', '孙浩', '马丽', '朱琳', '胡军'];
  const depts = ['研发部', '市场部', '销售部', '运营部'];
  const prefixes = ['138', '186', '133', '192', '139', '155', '177', '150', '189', '131', '135', '180'];
  const users = [];
  for (const s of staff) {
    users.push({ id: id('usr'), status: 'ACTIVE', phone: null, costCenter: 'CC-100', locale: 'ZH_CN', createdAt: iso(now - 180 * DAY), lastLoginAt: iso(now - 2 * 3600000), ...s });
  }
  empNames.forEach((name, i) => {
    users.push({
      id: id('usr'), email: `emp${i + 1}@demo.creditloop.test`, name, roles: ['EMPLOYEE'], status: i === 11 ? 'INVITED' : 'ACTIVE',
      employeeNo: `E${String(1001 + i)}`, phone: `${prefixes[i]}${String(10000000 + i * 7919273).slice(-8)}`, department: depts[i % 4],
      costCenter: `CC-${200 + (i % 4)}`, locale: i % 5 === 4 ? 'EN' : 'ZH_CN', createdAt: iso(now - (150 - i) * DAY), lastLoginAt: i === 11 ? null : iso(now - (i + 1) * 3600000 * 5),
    });
  });

  const wallets = new Map(); // userId -> { accountId, lots: [], entries: [] }
  const entries = [];
  const pool = { posted: fen('12860.00') };
  const funding = { posted: fen('48200.00') };
  const payout = { posted: fen('270.00') };

  const addEntry = (e) => {
    const entry = { id: id('ent'), status: 'POSTED', memo: null, batchId: null, reversesId: null, reversedById: null, idempotencyKey: `seed-${seq}`, postedAt: e.createdAt, voidedAt: null, createdBy: '李娜', postings: [], ...e };
    entries.push(entry);
    return entry;
  };

  for (const u of users.filter((x) => x.roles.includes('EMPLOYEE'))) {
    const w = { accountId: id('acc'), lots: [], entries: [] };
    wallets.set(u.id, w);
  }

  // 30 days of activity.
  const emps = users.filter((x) => x.roles.includes('EMPLOYEE') && x.status === 'ACTIVE');
  for (let d = 29; d >= 0; d--) {
    const day = now - d * DAY;
    if (d % 10 === 3) {
      const b = id('bat');
      for (const u of emps) {
        const amount = d === 3 ? '100.00' : '50.00';
        const at = iso(day - 5 * 3600000);
        const e = addEntry({ template: 'GRANT', amount, createdAt: at, memo: d === 3 ? '11 月话费补贴' : '月度话费补贴', batchId: b });
        const w = wallets.get(u.id);
        w.lots.push({ id: id('lot'), original: fen(amount), remaining: fen(amount), held: 0, expiresAt: iso(now + (d === 3 ? 36 : 6) * DAY), createdAt: at, memo: e.memo });
        w.entries.push(e);
      }
    }
    const n = (d * 7) % 5;
    for (let k = 0; k < n; k++) {
      const u = emps[(d + k * 3) % emps.length];
      const w = wallets.get(u.id);
      const amount = ['30.00', '50.00', '20.00', '100.00'][(d + k) % 4];
      const lot = w.lots.find((l) => l.remaining >= fen(amount));
      if (!lot) continue;
      lot.remaining -= fen(amount);
      const e = addEntry({ template: 'TOPUP_HOLD', amount, createdAt: iso(day - k * 3600000), createdBy: u.name, memo: `充值 ${u.phone}` });
      w.entries.push(e);
    }
    if (d === 12 || d === 20) addEntry({ template: 'EXPIRE', amount: d === 12 ? '340.00' : '180.00', createdAt: iso(day), createdBy: 'system', memo: '额度到期回收' });
    if (d === 8) addEntry({ template: 'RECLAIM', amount: '75.00', createdAt: iso(day), createdBy: '李娜', memo: '离职回收 · 郑凯' });
    if (d === 15) addEntry({ template: 'FUND', amount: '30000.00', createdAt: iso(day), createdBy: '陈静', memo: 'ICBC-20261109-0042' });
    if (d === 14) addEntry({ template: 'PURCHASE', amount: '10000.00', createdAt: iso(day), createdBy: '陈静', memo: '中国移动集团客户部' });
    if (d === 5) addEntry({ template: 'RECYCLE_HOLD', amount: '1000.00', createdAt: iso(day), createdBy: 'system', memo: 'V-2026-000017' });
  }
  addEntry({ template: 'FUND', amount: '20000.00', createdAt: iso(now - 40 * DAY), createdBy: '陈静', memo: 'ICBC-20261015-0007' });
  // Postings for the ledger view.
  const names = { GRANT: ['话费池', '员工钱包'], TOPUP_HOLD: ['员工钱包', '外部 · 运营商'], EXPIRE: ['员工钱包', '话费池'], RECLAIM: ['员工钱包', '话费池'], FUND: ['外部 · 银行', '备付资金'], PURCHASE: ['备付资金', '外部 · 供应商'], RECYCLE_HOLD: ['话费池', '外部 · 回收商'] };
  const kinds = { '话费池': 'POOL', '员工钱包': 'WALLET', '外部 · 运营商': 'EXTERNAL', '外部 · 银行': 'EXTERNAL', '备付资金': 'FUNDING', '外部 · 供应商': 'EXTERNAL', '外部 · 回收商': 'EXTERNAL' };
  for (const e of entries) {
    const [from, to] = names[e.template] ?? ['话费池', '员工钱包'];
    const asset = ['FUND', 'PURCHASE'].includes(e.template) ? 'CASH' : 'CREDIT';
    e.postings = [
      { accountId: `acc_${kinds[from]}`, accountName: from, accountKind: kinds[from], asset, amount: `-${e.amount}` },
      { accountId: `acc_${kinds[to]}`, accountName: to, accountKind: kinds[to], asset, amount: e.amount },
    ];
  }

  const byEmail = (email) => users.find((u) => u.email === email);
  const hr = byEmail('hr@demo.creditloop.test');
  const fin = byEmail('finance@demo.creditloop.test');
  const purchaseOrders = [
    { id: id('po'), faceValue: '20000.00', price: '19200.00', supplier: '中国移动集团客户部', status: 'PENDING_APPROVAL', requestedBy: hr, decidedBy: null, reason: null, createdAt: iso(now - 3600000 * 3), decidedAt: null, entry: null },
    { id: id('po'), faceValue: '8000.00', price: '7720.00', supplier: '中国联通政企', status: 'PENDING_APPROVAL', requestedBy: hr, decidedBy: null, reason: null, createdAt: iso(now - DAY), decidedAt: null, entry: null },
    { id: id('po'), faceValue: '10000.00', price: '9600.00', supplier: '中国移动集团客户部', status: 'APPROVED', requestedBy: hr, decidedBy: fin, reason: null, createdAt: iso(now - 15 * DAY), decidedAt: iso(now - 14 * DAY), entry: null },
    { id: id('po'), faceValue: '5000.00', price: '4950.00', supplier: '某代理商', status: 'REJECTED', requestedBy: hr, decidedBy: fin, reason: '折扣低于框架协议', createdAt: iso(now - 20 * DAY), decidedAt: iso(now - 19 * DAY), entry: null },
  ];

  const topups = [];
  emps.forEach((u, i) => {
    for (let k = 0; k < 2; k++) {
      const statuses = ['SUCCEEDED', 'SUCCEEDED', 'PENDING', 'FAILED', 'SUCCEEDED'];
      topups.push({
        id: id('tp'), phone: u.phone, operator: ['CHINA_MOBILE', 'CHINA_UNICOM', 'CHINA_TELECOM', 'CHINA_BROADNET'][i % 4], amount: ['50.00', '30.00', '100.00'][(i + k) % 3],
        status: statuses[(i + k) % 5], failureReason: statuses[(i + k) % 5] === 'FAILED' ? 'carrier: number suspended' : null,
        createdAt: iso(now - (i * 2 + k + 1) * 7200000), completedAt: iso(now - (i * 2 + k + 1) * 7000000), user: u, entry: null,
      });
    }
  });
  const reviewTopup = { id: id('tp'), phone: '17012345678', operator: 'CHINA_UNICOM', amount: '200.00', status: 'REVIEW', reviewReason: '同一号码被多名员工使用', failureReason: null, createdAt: iso(now - 1800000), completedAt: null, user: emps[2], entry: null };
  topups.push(reviewTopup);

  const recycles = [
    { id: id('rc'), faceValue: '1092.40', rate: '0.9200', gross: '1005.00', fee: '5.00', net: '1000.00', status: 'SETTLED', requestedBy: '陈静', createdAt: iso(now - 6 * DAY), settleAfter: iso(now - 5 * DAY), settledAt: iso(now - 5 * DAY), voucher: { number: 'V-2026-000017', hash: 'sha256:7f3a9c1e5b2d48a6b0e4c9f1d2a37b58c6e0f4a1b2c3d4e5f60718293a4b5c6d', issuedAt: iso(now - 5 * DAY), verified: true, content: '' } },
    { id: id('rc'), faceValue: '3000.00', rate: '0.9200', gross: '2760.00', fee: '5.00', net: '2755.00', status: 'REVIEW', requestedBy: '陈静', createdAt: iso(now - 3 * 3600000), settleAfter: iso(now + DAY), settledAt: null, voucher: null },
    { id: id('rc'), faceValue: '500.00', rate: '0.9200', gross: '460.00', fee: '5.00', net: '455.00', status: 'HELD', requestedBy: '陈静', createdAt: iso(now - 0.4 * DAY), settleAfter: iso(now + 0.6 * DAY), settledAt: null, voucher: null },
  ];
  recycles[0].voucher.content = [
    '结算凭证 / Settlement voucher', '凭证号: V-2026-000017', `企业: ${tenant.name}`, '回收面值: 1092.40 CNY', '回收费率: 0.9200', '折算金额: 1005.00 CNY', '手续费: 5.00 CNY', '实际到账: 1000.00 CNY',
    `结算时间: ${recycles[0].settledAt}`,
  ].join('\n');

  const cashouts = [
    { id: id('co'), employee: emps[0], credit: '100.00', rate: '0.9000', cash: '90.00', status: 'APPROVED', reason: null, createdAt: iso(now - 2 * DAY), decidedAt: iso(now - 2 * DAY), paidAt: null },
    { id: id('co'), employee: emps[3], credit: '200.00', rate: '0.9000', cash: '180.00', status: 'APPROVED', reason: null, createdAt: iso(now - DAY), decidedAt: iso(now - DAY), paidAt: null },
    { id: id('co'), employee: emps[6], credit: '600.00', rate: '0.9000', cash: '540.00', status: 'REVIEW', reason: null, createdAt: iso(now - 4 * 3600000), decidedAt: null, paidAt: null },
    { id: id('co'), employee: emps[5], credit: '50.00', rate: '0.9000', cash: '45.00', status: 'PAID', reason: null, createdAt: iso(now - 12 * DAY), decidedAt: iso(now - 12 * DAY), paidAt: iso(now - 6 * DAY) },
  ];
  const disputes = [
    { id: id('dp'), topup: topups[0], reason: '显示充值成功，但话费未到账', status: 'OPEN', resolution: null, createdAt: iso(now - 5 * 3600000), resolvedAt: null },
    { id: id('dp'), topup: topups[6], reason: '重复扣款', status: 'REJECTED', resolution: '运营商回执显示仅到账一次', createdAt: iso(now - 9 * DAY), resolvedAt: iso(now - 8 * DAY) },
  ];
  const schedules = [
    {
      id: id('sc'), name: '月度话费补贴', amount: '50.00', frequency: 'MONTHLY', dayOfMonth: 1, dayOfWeek: null, runAt: null, target: 'ALL', department: null, employeeIds: null,
      expiryDays: null, expireAtPeriodEnd: true, paused: false, nextRunAt: '2026-11-30T16:00:00Z', lastError: null,
      runs: [
        { id: id('run'), period: '2026-11', startedAt: '2026-10-31T16:00:02Z', finishedAt: '2026-10-31T16:00:05Z', count: 11, total: '550.00', status: 'DONE', error: null },
        { id: id('run'), period: '2026-10', startedAt: '2026-09-30T16:00:01Z', finishedAt: '2026-09-30T16:00:04Z', count: 10, total: '500.00', status: 'DONE', error: null },
      ],
    },
    { id: id('sc'), name: '销售部外勤补贴', amount: '100.00', frequency: 'MONTHLY', dayOfMonth: 5, dayOfWeek: null, runAt: null, target: 'DEPARTMENT', department: '销售部', employeeIds: null, expiryDays: 45, expireAtPeriodEnd: false, paused: true, nextRunAt: null, lastError: null, runs: [] },
  ];
  const apiKeys = [
    { id: id('key'), name: 'SAP 人事同步', prefix: 'ck_3f9a', roles: ['HR_ADMIN'], createdAt: iso(now - 60 * DAY), lastUsedAt: iso(now - 3600000), revokedAt: null },
    { id: id('key'), name: '旧版 OA 集成', prefix: 'ck_81c2', roles: ['FINANCE'], createdAt: iso(now - 120 * DAY), lastUsedAt: iso(now - 40 * DAY), revokedAt: iso(now - 30 * DAY) },
  ];
  const actions = ['session.login', 'grants.create', 'grants.batch', 'topups.create_own', 'purchases.request', 'purchases.approve', 'users.invite', 'policy.manage', 'exports.download'];
  const actors = [`user:${hr.id} hr@demo.creditloop.test`, `user:${fin.id} finance@demo.creditloop.test`, 'apikey:key_0001 SAP 人事同步', 'system'];
  const auditEvents = [];
  for (let i = 0; i < 46; i++) {
    auditEvents.push({
      id: id('aud'), seq: 1000 - i, at: iso(now - i * 3 * 3600000), actor: actors[i % 4], action: actions[i % actions.length], target: i % 3 ? `usr_${String(5 + (i % 12)).padStart(4, '0')}` : null,
      outcome: i % 17 === 5 ? 'FORBIDDEN' : 'ok', ip: i % 4 === 3 ? null : `10.20.${i % 7}.${20 + i}`, details: JSON.stringify({ amount: '50.00', requestId: `req-${9000 + i}` }),
      hash: `sha256:${(BigInt(0x9e3779b97f4a7c15n) * BigInt(i + 1)).toString(16).padStart(16, '0').repeat(4).slice(0, 64)}`,
    });
  }
  const webhooks = [
    { id: id('wh'), url: 'https://erp.example.com/hooks/creditloop', events: ['topup.succeeded', 'topup.failed', 'credit.received'], description: '金蝶 ERP', active: true, createdAt: iso(now - 20 * DAY), updatedAt: iso(now - 20 * DAY) },
  ];
  const deliveries = [];
  for (let i = 0; i < 8; i++) {
    const ok = i % 5 !== 2;
    const event = ['topup.succeeded', 'credit.received', 'topup.failed'][i % 3];
    const at = now - i * 5400000;
    deliveries.push({
      id: id('dl'), endpointId: webhooks[0].id, event, payload: JSON.stringify({ event, id: `evt_${1000 + i}`, at: iso(at) }),
      status: ok ? 'DELIVERED' : i === 2 ? 'PENDING' : 'FAILED', attempts: ok ? 1 : 3, nextAttemptAt: iso(at + 600000),
      lastStatusCode: ok ? 200 : 503, lastError: ok ? null : 'HTTP 503 Service Unavailable', createdAt: iso(at), deliveredAt: ok ? iso(at + 800) : null,
    });
  }

  return {
    tenant, policy, users, wallets, entries, pool, funding, payout, purchaseOrders, topups, recycles, cashouts, disputes, schedules,
    apiKeys, auditEvents, webhooks, deliveries, id, iso, quotes: new Map(), imports: new Map(), idem: new Map(), prefs: new Map(), sessions: new Map(),
  };
}
