import { describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import zhCN from './zh-CN';
import en from './en';
import { I18nProvider, LANG_STORAGE_KEY, readStoredLang, translate, useI18n } from '.';
import { LanguageSwitch } from '../layout/AppLayout';

function Probe() {
  const { t, lang } = useI18n();
  return (
    <div>
      <span data-testid="lang">{lang}</span>
      <span data-testid="text">{t('nav.topup')}</span>
      <LanguageSwitch />
    </div>
  );
}

describe('i18n', () => {
  it('zh-CN and en have the same keys and no empty strings', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [k, v] of Object.entries(en)) expect(v, k).not.toBe('');
    for (const [k, v] of Object.entries(zhCN)) expect(v, k).not.toBe('');
  });
  it('keeps placeholders consistent across languages', () => {
    const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(',');
    for (const k of Object.keys(zhCN) as Array<keyof typeof zhCN>) expect(vars(en[k]), k).toBe(vars(zhCN[k]));
  });
  it('interpolates', () => {
    expect(translate('zh-CN', 'common.total', { count: 3 })).toBe('共 3 条');
    expect(translate('en', 'common.total', { count: 3 })).toBe('3 in total');
  });
  it('defaults to zh-CN, switches and remembers the choice', async () => {
    expect(readStoredLang()).toBe('zh-CN');
    render(
      <I18nProvider>
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByTestId('text')).toHaveTextContent('手机充值');
    await act(async () => {
      await userEvent.click(screen.getByText('EN'));
    });
    expect(screen.getByTestId('text')).toHaveTextContent('Top up');
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(readStoredLang()).toBe('en');
  });
});
