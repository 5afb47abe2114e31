#!/usr/bin/env node
// Screenshots of the main screens into docs/screenshots/. Against CREDITLOOP_URL when set,
// otherwise against the built-in mock server (e2e/mock-server.mjs) serving dist/.
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { launch, newPage, signIn, settle, LOGINS } from './browser.mjs';
import { createMockServer } from './mock-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = process.env.CREDITLOOP_SCREENSHOTS_DIR ?? path.resolve(here, '../../docs/screenshots');
fs.mkdirSync(OUT, { recursive: true });

let server;
let base = process.env.CREDITLOOP_URL?.replace(/\/$/, '');
if (!base) {
  server = createMockServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
}
const only = process.argv.slice(2);
const browser = await launch();
/** Runs one part of the tour; a failure (e.g. a feature the server lacks) is reported and skipped. */
const step = async (name, fn) => {
  try {
    await fn();
  } catch (e) {
    console.log(`skipped ${name}: ${String(e.message ?? e).split('\n')[0]}`);
  }
};
const shot = async (page, name, fullPage = true) => {
  if (only.length && !only.includes(name)) return;
  await settle(page);
  if (!fullPage) await page.waitForTimeout(500); // let modal animations finish
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });
  console.log(`saved ${name}.png`);
};
try {
  let page = await newPage(browser, base);
  await page.goto(`${base}/sign-in`);
  await shot(page, 'sign-in', false);

  await signIn(page, base, LOGINS.hr);
  for (const [p, name] of [['/dashboard', 'hr-dashboard'], ['/employees', 'employees'], ['/employees/import', 'roster-import'], ['/distribution/grant', 'grant'], ['/distribution/batch', 'batch-grant'], ['/distribution/schedules', 'schedules'], ['/purchasing/purchases', 'purchases-hr']]) {
    await page.goto(base + p);
    await shot(page, name);
  }
  await page.goto(`${base}/employees`);
  await settle(page);
  await page.locator('.ant-table-row').first().click();
  await shot(page, 'employee-detail');
  await step('employee-deactivate', async () => {
    await page.getByRole('button', { name: '停用账户' }).click();
    await shot(page, 'employee-deactivate', false);
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shots-'));
  const csv = (name, body) => { const f = path.join(tmp, name); fs.writeFileSync(f, body); return f; };
  const header = 'employee_no,name,email,phone,department,cost_center,status,locale\n';
  await step('roster-import', async () => {
    await page.goto(`${base}/employees/import`);
    await page.locator('input[type=file]').setInputFiles(csv('bad.csv', header + 'E2001,周强,zhou.qiang@demo.creditloop.test,13912345678,研发部,CC-200,,zh-CN\nE2002,,bad-email,1391234,市场部,CC-201,,zh-CN\nE2003,郑凯,zheng.kai@demo.creditloop.test,17712345678,销售部,CC-202,,zh-CN\nE2003,郑凯,zheng.kai@demo.creditloop.test,17712345678,销售部,CC-202,,zh-CN\n'));
    await page.locator('[data-testid=import-errors]').waitFor();
    await shot(page, 'roster-import-errors');
    await page.getByRole('button', { name: '重新上传' }).click();
    await page.locator('input[type=file]').setInputFiles(csv('good.csv', header + 'E2001,周强,zhou.qiang@demo.creditloop.test,13912345678,研发部,CC-200,,zh-CN\nE2002,吴敏,wu.min@demo.creditloop.test,18612345678,市场部,CC-201,,en\nE2003,郑凯,zheng.kai@demo.creditloop.test,17712345678,销售部,CC-202,,zh-CN\n'));
    await page.locator('[data-testid=import-commit]').waitFor();
    await shot(page, 'roster-import-preview');
  });
  await page.close();

  page = await newPage(browser, base);
  await signIn(page, base, LOGINS.finance);
  for (const [p, name] of [['/finance/funding', 'funding'], ['/finance/exports', 'exports'], ['/finance/payouts', 'payouts'], ['/finance/reconciliation', 'reconciliation'], ['/finance/reviews', 'reviews'], ['/finance/disputes', 'disputes'], ['/purchasing/recycles', 'recycles'], ['/purchasing/purchases', 'purchases-finance']]) {
    await page.goto(base + p);
    await shot(page, name);
  }
  await page.close();

  page = await newPage(browser, base);
  await signIn(page, base, LOGINS.owner);
  for (const [p, name] of [['/settings/policy', 'policy'], ['/settings/users', 'users-roles'], ['/settings/api-keys', 'api-keys'], ['/settings/webhooks', 'webhooks']]) {
    await page.goto(base + p);
    await shot(page, name);
  }
  await step('api-key-secret', async () => {
    await page.goto(`${base}/settings/api-keys`);
    await page.getByRole('button', { name: '创建密钥' }).click();
    await page.locator('#name').fill('金蝶 ERP 对接');
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.locator('[data-testid=secret]').waitFor({ timeout: 10000 });
    await shot(page, 'api-key-secret', false);
  });
  await page.close();

  page = await newPage(browser, base, { lang: 'en' });
  await signIn(page, base, LOGINS.auditor);
  await page.goto(`${base}/audit`);
  await shot(page, 'audit-log-en');
  await page.goto(`${base}/dashboard`);
  await shot(page, 'dashboard-en');
  await page.goto(`${base}/settings/api-keys`);
  await shot(page, 'forbidden-en', false);
  await page.close();

  page = await newPage(browser, base, { width: 375, height: 740 });
  await signIn(page, base, LOGINS.employee);
  for (const [p, name] of [['/me/wallet', 'portal-wallet-mobile'], ['/me/topup', 'portal-topup-mobile'], ['/me/cashout', 'portal-cashout-mobile'], ['/me/disputes', 'portal-disputes-mobile'], ['/me/notifications', 'portal-notifications-mobile']]) {
    await page.goto(base + p);
    await shot(page, name);
  }
  await step('portal-topup', async () => {
    await page.goto(`${base}/me/topup`);
    await page.locator('[data-testid=operator] .ant-tag').waitFor({ timeout: 10000 });
    await page.locator('#amount').fill('50');
    await page.locator('button[type=submit]').click();
    await page.locator('.ant-modal').waitFor();
    await shot(page, 'portal-topup-confirm-mobile', false);
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.locator('[data-testid=topup-result]').waitFor({ timeout: 10000 });
    await shot(page, 'portal-topup-result-mobile', false);
  });
  await page.close();
} finally {
  await browser.close();
  server?.close();
}
