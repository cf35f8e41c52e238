/** Danish dates and ISO 8601 week numbers; what people see is Europe/Copenhagen time. */

export const TIME_ZONE = 'Europe/Copenhagen';

type Lang = 'da' | 'en';
const locales: Record<Lang, string> = { da: 'da-DK', en: 'en-GB' };

/** The calendar date (year, month 1-12, day) of an instant as seen in Copenhagen. */
export function localDateParts(d: Date): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(d);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** ISO 8601 week number and week-year of a calendar date. */
export function isoWeek(year: number, month: number, day: number): { week: number; year: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7; // Monday=1 … Sunday=7
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const weekYear = date.getUTCFullYear();
  const jan1 = Date.UTC(weekYear, 0, 1);
  const week = Math.ceil(((date.getTime() - jan1) / 86400000 + 1) / 7);
  return { week, year: weekYear };
}

/** ISO week of an instant, in Copenhagen. */
export function weekOf(d: Date): number {
  const p = localDateParts(d);
  return isoWeek(p.year, p.month, p.day).week;
}

/** Today's date in Copenhagen as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  const p = localDateParts(now);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function toDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  // A plain date (YYYY-MM-DD) is a calendar day, not an instant: anchor at noon UTC so it never shifts.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(value + 'T12:00:00Z');
  return new Date(value);
}

/** "tirsdag 3. marts 2026 · uge 10" style date. */
export function formatDate(value: string | Date, lang: Lang = 'da', withWeekday = true): string {
  const d = toDate(value);
  const text = new Intl.DateTimeFormat(locales[lang], {
    timeZone: TIME_ZONE,
    weekday: withWeekday ? 'long' : undefined,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(d);
  return `${text} · ${lang === 'da' ? 'uge' : 'week'} ${weekOf(d)}`;
}

/** Short date and time: "3. mar. 14.05". */
export function formatDateTime(value: string | Date, lang: Lang = 'da'): string {
  const d = toDate(value);
  return new Intl.DateTimeFormat(locales[lang], {
    timeZone: TIME_ZONE,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

/** True when a YYYY-MM-DD deadline lies before today in Copenhagen. */
export function isOverdue(due: string | null | undefined, now: Date = new Date()): boolean {
  if (!due) return false;
  return due.slice(0, 10) < todayIso(now);
}
