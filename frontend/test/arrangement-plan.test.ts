import { describe, expect, it } from 'vitest';
import { changesOf, checkPlan, planOf, samePlan, type Arrangement, type Plan } from '../src/screens/planning/plan';

const saved = {
  id: 7,
  students: [
    { id: 1, display_name: 'Emil', class_id: 3, class_name: '3.A', grade: 3 },
    { id: 2, display_name: 'Ali', class_id: 3, class_name: '3.A', grade: 3 },
  ],
  recesses: ['first_recess', 'lunch'],
  weekdays: [1, 2, 3],
  start_date: '2026-03-02',
  end_date: '2026-04-30',
  responsible: { id: 5, name: 'Tina Lærer' },
  purpose: 'Hjælp dem i gang',
} as unknown as Arrangement;

describe('an arrangement as the form holds it', () => {
  it('sends only what changed, as the API takes it', () => {
    const base = planOf(saved);
    expect(changesOf(base, base)).toEqual({});
    const next: Plan = { ...base, purpose: '  Følg dem ud  ', weekdays: [...base.weekdays, '5'], responsible: 9 };
    expect(changesOf(base, next)).toEqual({ purpose: 'Følg dem ud', weekdays: [1, 2, 3, 5], responsible_id: 9 });
    const swapped: Plan = { ...base, picked: [base.picked[0], { id: 4, display_name: 'Bo', class_name: null }] };
    expect(changesOf(base, swapped)).toEqual({ student_ids: [1, 4] });
    expect(changesOf(base, { ...base, start: '2026-03-09', end: '2026-05-01' })).toEqual({ start_date: '2026-03-09', end_date: '2026-05-01' });
  });

  it('is the same whatever order the chips were tapped in, and whitespace around the purpose', () => {
    const base = planOf(saved);
    expect(samePlan(base, { ...base, recesses: ['lunch', 'first_recess'], weekdays: ['3', '1', '2'], purpose: 'Hjælp dem i gang ' })).toBe(true);
    expect(samePlan(base, { ...base, recesses: ['lunch'] })).toBe(false);
  });

  it('says what is missing before sending', () => {
    const empty: Plan = { ...planOf(saved), picked: [], recesses: [], weekdays: [] };
    expect(Object.keys(checkPlan(empty)).sort()).toEqual(['recesses', 'students', 'weekdays']);
    expect(checkPlan(planOf(saved))).toEqual({});
  });
});
