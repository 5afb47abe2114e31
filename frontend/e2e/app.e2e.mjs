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

/** With CREDITLOOP_SCREENSHOTS=1: saves docs/screenshots/<name>.png (the README's names). */
async function shot(page, name, { fullPage = true } = {}) {
  if (!SHOTS) return;
  await settle(page);
  if (!fullPage) await page.waitForTimeout(500); // let modal animations finish
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/** Reads a downloaded CSV (BOM stripped) into rows, dropping blank lines. */
async function readCsvDownload(download) {
  let text = fs.readFileSync(await download.path(), 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseCsv(text).filter((r) => r.some((c) => c !== ''));
}

describe('creditloop web app', () => {
  let browser;
  before(async () => {
    if (!SKIP) browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('HR admin imports a roster: template, per-row errors, preview, commit', { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE);
    await signIn(page, BASE, LOGINS.hr);
    await page.goto(`${BASE}/employees/import`);
    await shot(page, 'roster-import');

    // The template downloads and has the roster's columns.
    const [template] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.locator('[data-testid=import-template]').click()]);
    assert.equal(template.suggestedFilename(), 'creditloop-employees-template.csv');
    const templateRows = await readCsvDownload(template);
    for (const col of ['employee_no', 'name', 'email']) assert.ok(templateRows[0].includes(col), `template header has ${col}: ${templateRows[0]}`);

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-'));
    const header = 'employee_no,name,email,phone,department,cost_center,status,locale\n';
    const stamp = Date.now();
    const no = (x) => `T${stamp % 1000000}${x}`;
    const rowA = `${no('A')},测试员工甲,e2e-${stamp}-a@demo.creditloop.test,13900000001,研发部,CC-200,ACTIVE,zh-CN\n`;
    const rowB = `${no('B')},测试员工乙,e2e-${stamp}-b@demo.creditloop.test,18600000002,市场部,CC-201,,en\n`;

    // A file with a broken row (spreadsheet row 3) is rejected with per-row errors first.
    const bad = path.join(tmp, 'bad.csv');
    fs.writeFileSync(bad, header + rowA + `${no('X')},坏行,not-an-email,123,研发部,CC-1,,zh\n`);
    await page.locator('input[type=file]').setInputFiles(bad);
    const errors = page.locator('[data-testid=import-errors] .ant-table-row');
    await errors.first().waitFor({ timeout: 15000 });
    const errorText = await page.locator('[data-testid=import-errors]').innerText();
    assert.match(errorText, /\b3\b/, 'the error names spreadsheet row 3');
    assert.match(errorText, /email/, 'the error names the email column');
    assert.match(errorText, /not-an-email/, "the server's message is shown");
    await shot(page, 'roster-import-errors');
    await page.getByRole('button', { name: '重新上传' }).click();

    // The corrected file previews its totals, then commits.
    const good = path.join(tmp, 'roster.csv');
    fs.writeFileSync(good, header + rowA + rowB);
    await page.locator('input[type=file]').setInputFiles(good);
    await page.locator('[data-testid=import-commit]').waitFor({ timeout: 15000 });
    await page.getByText('全部 2 行校验通过').waitFor();
    const preview = await page.locator('[data-testid=csv-import-employees] .ant-descriptions').innerText();
    assert.match(preview, /新增\s*2/, `preview totals: ${preview}`);
    await shot(page, 'roster-import-preview');
    await page.locator('[data-testid=import-commit]').click();
    await page.locator('.ant-result-success').waitFor({ timeout: 15000 });
    assert.match(await page.locator('.ant-result-success').innerText(), /新增\s*2/);

    // The new employees are on the roster, invited (they have not set a password yet).
    await page.goto(`${BASE}/employees`);
    await page.getByRole('searchbox').fill(no('A'));
    await page.getByRole('searchbox').press('Enter');
    await page.locator('.ant-select', { has: page.getByLabel('状态') }).click();
    await page.locator('.ant-select-item-option', { hasText: '已邀请' }).click();
    await page.locator('.ant-table-row', { hasText: '测试员工甲' }).waitFor({ timeout: 15000 });
    await page.close();
  });

  it('HR admin grants credit to an employee', { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE);
    await signIn(page, BASE, LOGINS.hr);
    await page.goto(`${BASE}/distribution/grant`);
    await page.locator('#employeeId').click();
    await page.locator('.ant-select-item-option').first().click({ timeout: 15000 });
    await page.locator('#amount').fill('10.00');
    await shot(page, 'grant');
    await page.locator('button[type=submit]').click();
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.locator('.ant-alert-success').waitFor({ timeout: 15000 });
    const text = await page.locator('.ant-alert-success').innerText();
    assert.match(text, /¥10\.00/);
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
    await shot(page, 'portal-topup-mobile');
    await page.locator('button[type=submit]').click();
    await page.locator('.ant-modal .ant-btn-primary').waitFor();
    await shot(page, 'portal-topup-confirm-mobile', { fullPage: false });
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.locator('[data-testid=topup-result]').waitFor({ timeout: 20000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling at 375px (overflow ${overflow}px)`);
    await shot(page, 'portal-topup-result-mobile', { fullPage: false });
    await page.goto(`${BASE}/me/wallet`);
    await page.locator('[data-testid=wallet-hero]').waitFor();
    await shot(page, 'portal-wallet-mobile');
    await page.close();
  });

  it('finance exports a statement that parses as CSV', { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE);
    await signIn(page, BASE, LOGINS.finance);
    await page.goto(`${BASE}/finance/exports`);
    await page.getByText('员工对账单').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.locator('button[type=submit]').click()]);
    const name = download.suggestedFilename();
    assert.match(name, /^creditloop-statements-\d{8}-\d{8}\.csv$/, name);
    const rows = await readCsvDownload(download);
    const header = rows[0];
    for (const col of ['employee_no', 'employee', 'date', 'amount', 'balance']) assert.ok(header.includes(col), `statement header has ${col}: ${header}`);
    assert.ok(rows.length >= 2, `the statement has data rows this month (the grant above at least), got ${rows.length - 1}`);
    for (const r of rows) assert.equal(r.length, header.length, 'every row has as many fields as the header');
    const amount = header.indexOf('amount');
    for (const r of rows.slice(1)) assert.match(r[amount], /^-?\d+\.\d{2}$/, `amount cell ${r[amount]}`);
    await page.locator('[data-testid=export-done]').waitFor();
    assert.match(await page.locator('[data-testid=export-done]').innerText(), new RegExp(name.replace(/\./g, '\\.')));
    await shot(page, 'exports');
    await page.close();
  });

  it('finance records a deposit and approves a purchase HR requested', { skip: SKIP }, async () => {
    const fin = await newPage(browser, BASE);
    await signIn(fin, BASE, LOGINS.finance);
    await fin.goto(`${BASE}/finance/funding`);
    await fin.locator('#amount').fill('25000');
    await fin.locator('#reference').fill(`E2E-${Date.now()}`);
    await shot(fin, 'funding');
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
    await hr.locator('.ant-table-row', { hasText: supplier }).waitFor({ timeout: 15000 });
    await shot(hr, 'purchases-hr');
    await hr.close();

    const approver = await newPage(browser, BASE);
    await signIn(approver, BASE, LOGINS.finance);
    await approver.goto(`${BASE}/purchasing/purchases`);
    const row = approver.locator('.ant-table-row', { hasText: supplier });
    await row.waitFor({ timeout: 15000 });
    await shot(approver, 'purchases-finance');
    await row.getByRole('button', { name: '批准' }).click({ timeout: 15000 });
    await approver.locator('.ant-modal .ant-btn-primary').click();
    await approver.locator('.ant-message-success').waitFor({ timeout: 15000 });
    await approver.close();
  });

  it('the owner registers a webhook, sees its secret once, sends a test and pauses it', { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE);
    await signIn(page, BASE, LOGINS.owner);
    await page.goto(`${BASE}/settings/webhooks`);
    await page.getByRole('button', { name: '添加 Webhook' }).click();
    const url = `https://erp.example.com/hooks/e2e-${Date.now()}`;
    await page.locator('.ant-modal #url').fill(url);
    await page.locator('.ant-modal #description').fill('金蝶 ERP（e2e）');
    await page.locator('.ant-modal .ant-btn-primary').click();
    const secret = page.locator('[data-testid=secret]');
    await secret.waitFor({ timeout: 15000 });
    assert.ok((await secret.innerText()).trim().length >= 16, 'the signing secret is shown');
    await page.getByRole('button', { name: '我已保存' }).click();
    const row = page.locator('[data-testid=webhook-endpoints] .ant-table-row', { hasText: url });
    await row.waitFor({ timeout: 15000 });
    assert.match(await row.innerText(), /全部事件/, 'no filter means every event');

    // A test event lands in the delivery log.
    await row.getByRole('button', { name: '发送测试' }).click();
    await page.locator('.ant-message-success').first().waitFor({ timeout: 15000 });
    await page.locator('[data-testid=webhook-deliveries] .ant-table-row', { hasText: 'webhook.test' }).first().waitFor({ timeout: 15000 });

    // Pausing it sticks across a reload.
    await row.getByRole('switch').click();
    await page.locator('.ant-message-success').first().waitFor({ timeout: 15000 });
    await page.reload();
    const again = page.locator('[data-testid=webhook-endpoints] .ant-table-row', { hasText: url });
    await again.waitFor({ timeout: 15000 });
    assert.equal(await again.getByRole('switch').getAttribute('aria-checked'), 'false');
    await shot(page, 'webhooks');
    await page.close();
  });

  it('an employee switches off optional notification mail; mandatory mail stays locked on', { skip: SKIP }, async () => {
    const page = await newPage(browser, BASE, { width: 375, height: 740 });
    await signIn(page, BASE, LOGINS.employee);
    await page.goto(`${BASE}/me/notifications`);
    const list = page.locator('[data-testid=notification-settings]');
    const item = (name) => list.locator('.ant-list-item', { hasText: name });
    await item('充值结果').waitFor({ timeout: 15000 });
    for (const locked of ['账户邀请', '充值验证码', '账户安全提醒']) {
      const sw = item(locked).getByRole('switch');
      assert.equal(await sw.getAttribute('aria-checked'), 'true', `${locked} is on`);
      assert.ok(await sw.isDisabled(), `${locked} cannot be switched off`);
    }
    const topup = item('充值结果').getByRole('switch');
    if ((await topup.getAttribute('aria-checked')) === 'false') {
      await topup.click(); // a rerun on the same database: start from on
      await page.waitForFunction(() => !document.querySelector('.ant-switch-loading'));
    }
    await topup.click();
    await page.waitForFunction(() => !document.querySelector('.ant-switch-loading'));
    await page.reload();
    await item('充值结果').waitFor({ timeout: 15000 });
    assert.equal(await item('充值结果').getByRole('switch').getAttribute('aria-checked'), 'false', 'the choice is saved on the server');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling at 375px (overflow ${overflow}px)`);
    await shot(page, 'portal-notifications-mobile');
    // Switch it back on so that a rerun starts from the same state.
    await item('充值结果').getByRole('switch').click();
    await page.waitForFunction(() => !document.querySelector('.ant-switch-loading'));
    await page.close();
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
    await shot(page, 'sign-in', { fullPage: false });
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
