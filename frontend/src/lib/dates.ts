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

/** The Copenhagen wall-clock time of an instant as HH:MM. */
export function localClock(d: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** A time of day for people: "9.40" (Danish) / "09:40" (English). */
export function formatClock(hhmm: string, lang: Lang = 'da'): string {
  return lang === 'da' ? hhmm.replace(/^0(\d)/, '$1').replace(':', '.') : hhmm;
}

/** The instant at which Copenhagen's clock shows HH:MM on the day YYYY-MM-DD. */
export function copenhagenInstant(day: string, hhmm: string): Date {
  const [y, mo, d] = day.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  const wanted = Date.UTC(y, mo - 1, d, h, mi);
  // Start from the wall time read as UTC and correct by Copenhagen's offset at that instant (twice, for DST edges).
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localDateParts(new Date(guess));
    const [gh, gm] = localClock(new Date(guess)).split(':').map(Number);
    const shown = Date.UTC(p.year, p.month - 1, p.day, gh, gm);
    guess += wanted - shown;
  }
  return new Date(guess);
}

export interface Recess {
  start: string;
  end: string;
}

/**
 * When "during the recess" was: the middle of today's last recess that has begun (never later than now), or
 * 15 minutes ago when the school has no recess times or none has begun yet today.
 */
export function lastRecess(recesses: readonly Recess[], now: Date = new Date()): { at: Date; recess: Recess | null } {
  const clock = localClock(now);
  const begun = recesses.filter((r) => r.start <= clock).sort((a, b) => a.start.localeCompare(b.start));
  const last = begun[begun.length - 1];
  if (!last) return { at: new Date(now.getTime() - 15 * 60_000), recess: null };
  const day = todayIso(now);
  const start = copenhagenInstant(day, last.start).getTime();
  const end = copenhagenInstant(day, last.end).getTime();
  return { at: new Date(Math.min(now.getTime(), (start + end) / 2)), recess: last };
}

/** True when a recess ended within the last half hour and none is going on: a log now is most likely about it. */
export function justAfterRecess(recesses: readonly Recess[], now: Date = new Date()): boolean {
  const clock = localClock(now);
  if (recesses.some((r) => r.start <= clock && clock < r.end)) return false;
  const { recess } = lastRecess(recesses, now);
  if (!recess) return false;
  const end = copenhagenInstant(todayIso(now), recess.end).getTime();
  return now.getTime() - end <= 30 * 60_000;
}
