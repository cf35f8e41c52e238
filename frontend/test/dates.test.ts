import { describe, expect, it } from 'vitest';
import { copenhagenInstant, formatClock, formatDate, formatDateTime, isoWeek, justAfterRecess, lastRecess, todayIso, weekOf } from '../src/lib/dates';

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

  it('turns Copenhagen wall-clock time into the instant, summer and winter', () => {
    expect(copenhagenInstant('2026-06-15', '09:40').toISOString()).toBe('2026-06-15T07:40:00.000Z');
    expect(copenhagenInstant('2026-01-15', '09:40').toISOString()).toBe('2026-01-15T08:40:00.000Z');
    expect(copenhagenInstant('2026-03-29', '03:30').toISOString()).toBe('2026-03-29T01:30:00.000Z'); // the day DST starts
    expect(formatClock('09:40')).toBe('9.40');
    expect(formatClock('09:40', 'en')).toBe('09:40');
  });
});

describe('the last recess', () => {
  const recesses = [
    { start: '09:40', end: '10:00' },
    { start: '11:30', end: '12:00' },
  ];
  // 10:25 Copenhagen summer time
  const after = new Date('2026-06-15T08:25:00Z');

  it('is the middle of the last recess that has begun', () => {
    expect(lastRecess(recesses, after).at.toISOString()).toBe('2026-06-15T07:50:00.000Z');
    expect(lastRecess(recesses, after).recess).toEqual(recesses[0]);
  });

  it('is never later than now, during a recess', () => {
    const during = new Date('2026-06-15T07:42:00Z'); // 9:42
    expect(lastRecess(recesses, during).at.toISOString()).toBe(during.toISOString());
  });

  it('is 15 minutes ago before the first recess or without recess times', () => {
    const early = new Date('2026-06-15T06:00:00Z'); // 8:00
    expect(lastRecess(recesses, early)).toEqual({ at: new Date('2026-06-15T05:45:00Z'), recess: null });
    expect(lastRecess([], after).at.toISOString()).toBe('2026-06-15T08:10:00.000Z');
  });

  it('is the likely time for half an hour after a recess, not during one', () => {
    expect(justAfterRecess(recesses, after)).toBe(true);
    expect(justAfterRecess(recesses, new Date('2026-06-15T08:45:00Z'))).toBe(false); // 10:45
    expect(justAfterRecess(recesses, new Date('2026-06-15T07:45:00Z'))).toBe(false); // 9:45, during
    expect(justAfterRecess([], after)).toBe(false);
  });
});
