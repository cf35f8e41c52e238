import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, isOverdue, isoWeek, todayIso, weekOf } from '../src/lib/dates';

describe('isoWeek', () => {
  it.each([
    [2026, 1, 1, 1, 2026], // Thursday
    [2027, 1, 1, 53, 2026], // Friday belongs to week 53 of 2026
    [2024, 12, 30, 1, 2025], // Monday of week 1 of 2025
    [2021, 1, 3, 53, 2020],
    [2026, 3, 3, 10, 2026],
    [2026, 12, 28, 53, 2026],
  ])('%i-%i-%i is week %i of %i', (y, m, d, week, year) => {
    expect(isoWeek(y, m, d)).toEqual({ week, year });
  });
});

describe('Copenhagen dates', () => {
  it('uses the Danish day, not the UTC day, around midnight', () => {
    // 23:30 UTC on Sunday 4 Jan 2026 is already Monday 5 Jan in Copenhagen: week 2.
    const d = new Date('2026-01-04T23:30:00Z');
    expect(todayIso(d)).toBe('2026-01-05');
    expect(weekOf(d)).toBe(2);
  });

  it('formats a Danish date with weekday and week number', () => {
    expect(formatDate('2026-03-03')).toBe('tirsdag den 3. marts 2026 · uge 10');
    expect(formatDate('2026-03-03', 'en')).toMatch(/^Tuesday,? 3 March 2026 · week 10$/);
  });

  it('formats time in Danish summer time', () => {
    expect(formatDateTime('2026-06-15T10:05:00Z')).toMatch(/^15\. jun\.?,? 12[.:]05$/);
  });

  it('marks a deadline before today as overdue, today not', () => {
    const now = new Date('2026-03-10T09:00:00Z');
    expect(isOverdue('2026-03-09', now)).toBe(true);
    expect(isOverdue('2026-03-10', now)).toBe(false);
    expect(isOverdue(null, now)).toBe(false);
  });
});
