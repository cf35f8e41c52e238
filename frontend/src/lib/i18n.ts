/** Simple dictionary i18n: Danish first, English selectable. */
import { useEffect, useState } from 'preact/hooks';
import { daCommon } from './i18n/da-common';
import { daLogin } from './i18n/da-login';
import { daLog } from './i18n/da-log';
import { daCases } from './i18n/da-cases';
import { daStudents } from './i18n/da-students';
import { daPrevention } from './i18n/da-prevention';
import { daAdmin } from './i18n/da-admin';
import { daProblems } from './i18n/da-problems';

export type Lang = 'da' | 'en';

// The Danish dictionary, one module per area of the app (./i18n/da-*.ts); the English one mirrors them (./i18n-en.ts).
const da = {
  ...daCommon,
  ...daLogin,
  ...daLog,
  ...daCases,
  ...daStudents,
  ...daPrevention,
  ...daAdmin,
  ...daProblems,
};

export type Key = keyof typeof da;

// English is fetched when chosen (loadLang); until then, and for any key it lacks, Danish is shown.
const dictionaries: { da: Record<Key, string>; en?: Record<Key, string> } = { da };
const LANG_KEY = 'trivsel.lang';

function initialLang(): Lang {
  try {
    const stored = globalThis.localStorage?.getItem(LANG_KEY);
    if (stored === 'da' || stored === 'en') return stored;
  } catch {
    /* storage may be unavailable */
  }
  return 'da';
}

let current: Lang = initialLang();
const listeners = new Set<() => void>();

export function getLang(): Lang {
  return current;
}

/** Make sure the language's dictionary is here (English is a separate, lazily loaded chunk). */
export async function loadLang(lang: Lang): Promise<void> {
  if (lang === 'en' && !dictionaries.en) dictionaries.en = (await import('./i18n-en')).en;
}

/** Switch language (loading English first when needed) and re-render whoever listens. */
export async function setLang(lang: Lang): Promise<void> {
  await loadLang(lang).catch(() => {
    /* offline without the chunk cached: stay in Danish */
    lang = 'da';
  });
  current = lang;
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* ignore */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  listeners.forEach((l) => l());
}

/** Translate a key, filling {placeholders}. */
export function t(key: Key, params?: Record<string, string | number>): string {
  let text = (current === 'en' && dictionaries.en ? dictionaries.en[key] : undefined) ?? dictionaries.da[key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

/** Translate an enum value by prefix, falling back to the raw value. */
export function tEnum(prefix: string, value: string | null | undefined): string {
  if (!value) return '';
  const key = `${prefix}_${value}` as Key;
  return key in da ? t(key) : value;
}

/** Re-render the calling component when the language changes. */
export function useLang(): Lang {
  const [lang, set] = useState(current);
  useEffect(() => {
    const l = () => set(current);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return lang;
}

export { dictionaries };
