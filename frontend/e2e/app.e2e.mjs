// Browser tests against a running creditloop server (real Chromium via playwright-core).
//   CREDITLOOP_URL=http://127.0.0.1:8080 npm run e2e      # the real server (`creditloop demo`)
//   npm run e2e:mock                                      # the built-in mock server
// Demo logins come from CREDITLOOP_DEMO_* / CREDITLOOP_DEMO_PASSWORD (see browser.mjs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, newPage, signIn, settle, LOGINS } from './browser.mjs';

const BASE = process.env.CREDITLOOP_URL?.replace(/\/$/, '');
const SKIP = BASE ? false : 'CREDITLOOP_URL is not set: start the server (e.g. `creditloop demo`) and set CREDITLOOP_URL, or run `npm run e2e:mock`';
const SHOTS = process.env.CREDITLOOP_SCREENSHOTS === '1' ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots') : null;
if (SKIP) console.log(`# e2e skipped: ${SKIP}`);

/** Minimal RFC 4180 parser: quoted fields, escaped quotes, CRLF. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/**
 * Whether the server has an /api endpoint yet. Unauthenticated, a real endpoint answers
 * 401/403 (or 400/422); one that does not exist answers 404/405 or falls through to the SPA's
 * index.html. Tests of endpoints the backend has not shipped are skipped, with the reason.
 */
async function hasEndpoint(method, urlPath) {
  try {
    const res = await fetch(`${BASE}${urlPath}`, { method, redirect: 'manual' });
    const type = res.headers.get('content-type') ?? '';
    return !(res.status === 404 || res.status === 405 || res.status === 501 || type.includes('text/html'));
  } catch {
    return false;
  }
}

async function shot(page, name) {
  if (!SHOTS) return;
  await settle(page);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

describe('creditloop web app', () => {
  let browser;
  before(async () => {
    if (!SKIP) browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('HR admin imports a roster: per-row errors, preview, commit', { skip: SKIP }, async (t) => {
    if (!(await hasEndpoint('POST', '/api/imports/employees'))) return t.skip('the server has no POST /api/imports/employees yet');
    const page = await newPage(browser, BASE);
    await signIn(page, BASE, LOGINS.hr);
    await page.goto(`${BASE}/employees/import`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-'));

    // A file with a broken row is rejected with per-row errors first.
    const bad = path.join(tmp, 'bad.csv');
    fs.writeFileSync(bad, 'email,name,employee_no,phone,department,cost_center,locale\nnot-an-email,,X1,123,研发部,CC-1,zh\n');
    await page.locator('input[type=file]').setInputFiles(bad);
    await page.locator('[data-testid=import-errors] .ant-table-row').first().waitFor({ timeout: 15000 });
    await page.getByRole('button', { name: '重新上传' }).click();

    const stamp = Date.now();
    const good = path.join(tmp, 'roster.csv');
    fs.writeFileSync(
      good,
      'email,name,employee_no,phone,department,cost_center,locale\n' +
        `e2e-${stamp}-a@demo.creditloop.test,测试员工甲,T${stamp % 100000}A,13900000001,研发部,CC-200,zh\n` +
        `e2e-${stamp}-b@demo.creditloop.test,测试员工乙,T${stamp % 100000}B,18600000002,市场部,CC-201,en\n`,
    );
    await page.locator('input[type=file]').setInputFiles(good);
    await page.locator('[data-testid=import-commit]').waitFor({ timeout: 15000 });
    await shot(page, 'e2e-roster-preview');
    await page.locator('[data-testid=import-commit]').click();
    await page.locator('.ant-result-success').waitFor({ timeout: 15000 });
    await page.close();
  });

  it('HR admin grants credit to an employee', { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE);
    await signIn(page, BASE, LOGINS.hr);
    await page.goto(`${BASE}/distribution/grant`);
    await page.locator('#employeeId').click();
    await page.locator('.ant-select-item-option').first().click({ timeout: 15000 });
    await page.locator('#amount').fill('10.00');
    await page.locator('button[type=submit]').click();
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.locator('.ant-alert-success').waitFor({ timeout: 15000 });
    const text = await page.locator('.ant-alert-success').innerText();
    assert.match(text, /¥10\.00/);
    await shot(page, 'e2e-grant-done');
    await page.close();
  });

  it('an employee tops up on a phone-sized screen', { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE, { width: 375, height: 740 });
    await signIn(page, BASE, LOGINS.employee);
    await page.goto(`${BASE}/me/topup`);
    await page.locator('#phone').waitFor();
    assert.match(await page.locator('#phone').inputValue(), /^1\d{10}$/, 'the registered phone is prefilled');
    await page.locator('[data-testid=operator] .ant-tag').waitFor({ timeout: 15000 });
    await page.locator('#amount').fill('10');
    await page.locator('button[type=submit]').click();
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.locator('[data-testid=topup-result]').waitFor({ timeout: 20000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling at 375px (overflow ${overflow}px)`);
    await shot(page, 'e2e-topup-mobile');
    await page.goto(`${BASE}/me/wallet`);
    await page.locator('[data-testid=wallet-hero]').waitFor();
    await page.close();
  });

  it('finance exports a statement that parses as CSV', { skip: SKIP }, async (t) => {
    if (!(await hasEndpoint('GET', '/api/exports/statements'))) return t.skip('the server has no GET /api/exports/statements yet');
    const page = await newPage(browser, BASE);
    await signIn(page, BASE, LOGINS.finance);
    await page.goto(`${BASE}/finance/exports`);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.locator('button[type=submit]').click()]);
    const file = await download.path();
    let text = fs.readFileSync(file, 'utf8');
    assert.ok(download.suggestedFilename().endsWith('.csv'), download.suggestedFilename());
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const rows = parseCsv(text).filter((r) => r.some((c) => c !== ''));
    assert.ok(rows.length >= 1, 'has a header row');
    assert.ok(rows[0].length >= 2, 'header has columns');
    for (const r of rows) assert.equal(r.length, rows[0].length, 'every row has as many fields as the header');
    await page.locator('[data-testid=export-done]').waitFor();
    await page.close();
  });

  it('finance records a deposit and approves a purchase HR requested', { skip: SKIP }, async () => {
    const fin = await newPage(browser, BASE);
    await signIn(fin, BASE, LOGINS.finance);
    await fin.goto(`${BASE}/finance/funding`);
    await fin.locator('#amount').fill('25000');
    await fin.locator('#reference').fill(`E2E-${Date.now()}`);
    await fin.locator('button[type=submit]').click();
    await fin.locator('.ant-modal .ant-btn-primary').click();
    await fin.locator('.ant-message-success').waitFor({ timeout: 15000 });
    await fin.close(); // pages share one browser context (cookies), so roles take turns

    const hr = await newPage(browser, BASE);
    await signIn(hr, BASE, LOGINS.hr);
    await hr.goto(`${BASE}/purchasing/purchases`);
    await hr.getByRole('button', { name: '新建采购申请' }).click();
    await hr.locator('#faceValue').fill('20000');
    await hr.locator('#price').fill('20001');
    await hr.locator('.ant-modal .ant-btn-primary').click();
    await hr.getByText('采购价应低于面值').waitFor(); // validated before sending
    await hr.locator('#price').fill('19200');
    const supplier = `E2E 供应商 ${Date.now()}`;
    await hr.locator('#supplier').fill(supplier);
    await hr.locator('.ant-modal .ant-btn-primary').click();
    await hr.locator('.ant-message-success').waitFor({ timeout: 15000 });
    await hr.close();

    const approver = await newPage(browser, BASE);
    await signIn(approver, BASE, LOGINS.finance);
    await approver.goto(`${BASE}/purchasing/purchases`);
    const row = approver.locator('.ant-table-row', { hasText: supplier });
    await row.getByRole('button', { name: '批准' }).click({ timeout: 15000 });
    await approver.locator('.ant-modal .ant-btn-primary').click();
    await approver.locator('.ant-message-success').waitFor({ timeout: 15000 });
    await approver.close();
  });

  it("a wrong role cannot reach another role's page", { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE);
    await signIn(page, BASE, LOGINS.employee);
    for (const p of ['/finance/exports', '/employees', '/settings/api-keys']) {
      await page.goto(`${BASE}${p}`);
      await page.locator('.ant-result-403').waitFor({ timeout: 15000 });
    }
    await page.close();
    const hr = await newPage(browser, BASE);
    await signIn(hr, BASE, LOGINS.hr);
    await hr.goto(`${BASE}/audit`);
    await hr.locator('.ant-result-403').waitFor({ timeout: 15000 });
    await hr.close();
  });

  it('switching language works and is remembered', { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE);
    await page.goto(`${BASE}/sign-in`);
    await page.getByText('登录 creditloop').waitFor();
    await page.getByText('EN', { exact: true }).click();
    await page.getByText('Sign in to creditloop').waitFor();
    await page.reload();
    await page.getByText('Sign in to creditloop').waitFor();
    await signIn(page, BASE, LOGINS.finance);
    await page.getByText('Exports', { exact: true }).first().waitFor();
    await page.getByText('中文', { exact: true }).click();
    await page.getByText('报表导出', { exact: true }).first().waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('creditloop.lang')), 'zh-CN');
    await page.close();
  });
});
