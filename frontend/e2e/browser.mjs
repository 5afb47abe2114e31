// Shared browser helpers for the e2e suite and the screenshot script: real Chromium through
// playwright-core (no browser download), a fresh profile per run, demo logins from env.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PASSWORD = process.env.CREDITLOOP_DEMO_PASSWORD ?? 'demo-password-2026';
export const LOGINS = {
  owner: process.env.CREDITLOOP_DEMO_OWNER ?? 'owner@demo.creditloop.test',
  hr: process.env.CREDITLOOP_DEMO_HR ?? 'hr@demo.creditloop.test',
  finance: process.env.CREDITLOOP_DEMO_FINANCE ?? 'finance@demo.creditloop.test',
  auditor: process.env.CREDITLOOP_DEMO_AUDITOR ?? 'auditor@demo.creditloop.test',
  employee: process.env.CREDITLOOP_DEMO_EMPLOYEE ?? 'emp1@demo.creditloop.test',
};

export async function launch() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; run frontend/scripts/ensure-chromium.sh`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditloop-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh page signed out (cookies and storage cleared). All pages share one persistent
 * browser context, so only one role may be signed in at a time: close a page before the next
 * role signs in.
 */
export async function newPage(browser, base, { width = 1440, height = 900, lang } = {}) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height });
  await page.context().clearCookies();
  await page.goto(`${base}/sign-in`);
  await page.evaluate((l) => {
    localStorage.clear();
    if (l) localStorage.setItem('creditloop.lang', l);
  }, lang ?? 'zh-CN');
  return page;
}

export async function signIn(page, base, email, password = PASSWORD, next = '') {
  await page.goto(`${base}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.locator('#sign-in_email').fill(email);
  await page.locator('#sign-in_password').fill(password);
  await page.locator('form[id="sign-in"] button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 15000 });
}

export async function signOut(page, base) {
  await page.context().clearCookies();
  await page.evaluate(() => localStorage.removeItem('creditloop.csrf'));
  await page.goto(`${base}/sign-in`);
}

export async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForFunction(() => !document.querySelector('.ant-spin-spinning, .ant-skeleton-active'), null, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);
}
