/** A play-partner arrangement as a form holds it: its value, what the form says before sending, and what a change
 * sends (only what changed). Kept apart from the fields so it is tested on its own. */
import type { Recess } from '../../api/enums';
import type { Read, Schemas } from '../../api/types';
import { t, type Key } from '../../lib/i18n';
import type { Picked } from './pickers';

export type Arrangement = Read<'ArrangementRead'>;
export const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const weekdayName = (d: Weekday | number) => t(`weekday_${d}` as Key);

/** The form's value. */
export interface Plan {
  picked: Picked[];
  recesses: Recess[];
  weekdays: Weekday[];
  start: string;
  end: string;
  responsible: number;
  purpose: string;
}

export interface PlanErrors {
  students?: string;
  recesses?: string;
  weekdays?: string;
}

/** What the form says before sending (the API says the rest). */
export function checkPlan(p: Plan): PlanErrors {
  const found: PlanErrors = {};
  if (p.picked.length < 2) found.students = t('pl_pp_need_students');
  if (!p.recesses.length) found.recesses = t('pl_pp_need_recess');
  if (!p.weekdays.length) found.weekdays = t('pl_pp_need_weekday');
  return found;
}

/** The form's value of a saved arrangement. */
export function planOf(a: Arrangement): Plan {
  return {
    picked: a.students.map((s) => ({ id: s.id, display_name: s.display_name, class_name: s.class_name })),
    recesses: [...a.recesses],
    weekdays: a.weekdays.map((d) => String(d) as Weekday),
    start: a.start_date,
    end: a.end_date,
    responsible: a.responsible.id,
    purpose: a.purpose,
  };
}

const sorted = <T,>(xs: readonly T[]) => [...xs].sort();
const ids = (p: Plan) => sorted(p.picked.map((s) => s.id));
const sameList = <T,>(a: readonly T[], b: readonly T[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/** Two values that say the same (the order chips were tapped in does not matter). */
export function samePlan(a: Plan, b: Plan): boolean {
  return Object.keys(changesOf(a, b)).length === 0;
}

/** What of `next` differs from `base`, as the API takes it (only what changed is sent). */
export function changesOf(base: Plan, next: Plan): Schemas['ArrangementUpdate'] {
  const body: Schemas['ArrangementUpdate'] = {};
  if (!sameList(ids(base), ids(next))) body.student_ids = next.picked.map((s) => s.id);
  if (!sameList(base.recesses, next.recesses)) body.recesses = next.recesses;
  if (!sameList(base.weekdays, next.weekdays)) body.weekdays = next.weekdays.map(Number);
  if (base.start !== next.start) body.start_date = next.start;
  if (base.end !== next.end) body.end_date = next.end;
  if (base.responsible !== next.responsible) body.responsible_id = next.responsible;
  if (base.purpose.trim() !== next.purpose.trim()) body.purpose = next.purpose.trim();
  return body;
}
