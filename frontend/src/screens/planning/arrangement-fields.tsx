/** The fields of a play-partner arrangement, shared by "Ny legemakker-aftale" and "Ret aftalen" (their value and
 * what a change sends: ./plan.ts). */
import { RECESSES } from '../../api/enums';
import { MAX } from '../../api/limits';
import { t, tEnum } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { Field, FieldError, ToggleChips } from '../../ui';
import { StudentPicker, type Adult } from './pickers';
import { WEEKDAYS, weekdayName, type Plan, type PlanErrors } from './plan';

/** The fields, each labelled, with the API's field errors (`fields`) and the form's own (`errors`) under them.
 * `id` names the form's parts (two forms are never on one screen, but their ids stay apart). */
export function ArrangementFields({
  id,
  value,
  onChange,
  adults,
  user,
  errors,
  fields,
}: {
  id: string;
  value: Plan;
  onChange: (next: Plan) => void;
  adults: Adult[];
  user: User;
  errors: PlanErrors;
  fields: Record<string, string>;
}) {
  const set = (patch: Partial<Plan>) => onChange({ ...value, ...patch });
  return (
    <>
      <StudentPicker id={`${id}-students`} picked={value.picked} onChange={(picked) => set({ picked })} error={errors.students ?? fields.student_ids} />
      <ToggleChips legend={t('pl_pp_recesses')} options={RECESSES} text={(r) => tEnum('recess', r)} value={value.recesses} onChange={(recesses) => set({ recesses })} />
      <FieldError text={errors.recesses ?? fields.recesses} />
      <ToggleChips legend={t('pl_pp_weekdays')} options={WEEKDAYS} text={weekdayName} value={value.weekdays} onChange={(weekdays) => set({ weekdays })} />
      <FieldError text={errors.weekdays ?? fields.weekdays} />
      <div class="toolbar">
        <Field label={t('pl_pp_start')} error={fields.start_date}>
          <input type="date" required value={value.start} onInput={(e) => set({ start: e.currentTarget.value })} />
        </Field>
        <Field label={t('pl_pp_end')} error={fields.end_date}>
          <input type="date" required min={value.start} value={value.end} onInput={(e) => set({ end: e.currentTarget.value })} />
        </Field>
      </div>
      <Field label={t('pl_pp_responsible')} error={fields.responsible_id}>
        <select value={value.responsible} onChange={(e) => set({ responsible: Number(e.currentTarget.value) })}>
          {adults.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id === user.id ? t('pl_pp_me', { name: a.name }) : a.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('pl_pp_purpose')} error={fields.purpose}>
        <textarea
          rows={2}
          maxLength={MAX.ArrangementUpdate.purpose}
          aria-describedby={`${id}-purpose-hint`}
          value={value.purpose}
          onInput={(e) => set({ purpose: e.currentTarget.value })}
        />
      </Field>
      <p id={`${id}-purpose-hint`} class="muted small">
        {t('pl_pp_purpose_hint')}
      </p>
    </>
  );
}

/** The API's field names this form shows under its own fields (a ProblemNotice lists the others). */
export const PLAN_FIELDS = ['rule', 'student_ids', 'recesses', 'weekdays', 'start_date', 'end_date', 'responsible_id', 'purpose'] as const;
