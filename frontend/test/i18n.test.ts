import { describe, expect, it } from 'vitest';
import { dictionaries, setLang, t, tEnum } from '../src/lib/i18n';
import { en } from '../src/lib/i18n-en';

describe('i18n', () => {
  it('has every Danish key in English, none empty, with the same placeholders', () => {
    const da = dictionaries.da;
    expect(Object.keys(en).sort()).toEqual(Object.keys(da).sort());
    for (const key of Object.keys(da) as (keyof typeof da)[]) {
      expect(da[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
      const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(holes(en[key]), key).toEqual(holes(da[key]));
    }
  });

  it('has each Danish key in one area only (spread into one dictionary, a second would silently win)', () => {
    const areas = import.meta.glob<Record<string, Record<string, string>>>('../src/lib/i18n/da-*.ts', { eager: true });
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [file, module] of Object.entries(areas))
      for (const dict of Object.values(module))
        for (const key of Object.keys(dict)) {
          if (seen.has(key)) twice.push(`${key}: ${seen.get(key)} and ${file}`);
          seen.set(key, file);
        }
    expect(twice).toEqual([]);
    expect(Object.keys(areas).length).toBeGreaterThan(1);
    expect(seen.size).toBe(Object.keys(dictionaries.da).length);
  });

  it('is Danish by default and fills placeholders', async () => {
    await setLang('da');
    expect(t('outbox_waiting', { n: 3 })).toBe('3 venter');
    expect(tEnum('c', 'bullying')).toBe('Mobning');
    expect(tEnum('c', 'something_new')).toBe('something_new');
    await setLang('en');
    expect(t('outbox_waiting', { n: 3 })).toBe('3 waiting');
    await setLang('da');
  });
});
