import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import zhCN, { type MessageKey } from './zh-CN';
import en from './en';
import { dayjs } from '../lib/time';

export type Lang = 'zh-CN' | 'en';
export type { MessageKey };
export type TFunction = (key: MessageKey, vars?: Record<string, string | number>) => string;

export const LANG_STORAGE_KEY = 'creditloop.lang';
const DICTS: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export function readStoredLang(): Lang {
  try {
    const v = localStorage.getItem(LANG_STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN';
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const s = DICTS[lang][key] ?? zhCN[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Looks up a key built at run time (enum values); falls back to the raw value. */
export function hasKey(key: string): key is MessageKey {
  return key in zhCN;
}

interface I18nValue {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: TFunction;
  /** t() for keys composed from enum values: `te('role', 'OWNER')`. */
  te: (prefix: string, value: string | null | undefined) => string;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(initial ?? readStoredLang());
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      /* ignore */
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  }, [lang]);
  const value = useMemo<I18nValue>(() => {
    const t: TFunction = (key, vars) => translate(lang, key, vars);
    const te = (prefix: string, v: string | null | undefined) => {
      if (!v) return '—';
      const k = `${prefix}.${v}`;
      return hasKey(k) ? t(k) : v;
    };
    return { lang, setLang, t, te };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
