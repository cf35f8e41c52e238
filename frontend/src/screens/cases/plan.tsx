/** The action plan: its measures, follow-up date and who was informed; written by those the API lets write it. */
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import type { Schemas } from '../../api/types';
import { SavedMeanwhile } from '../../forms';
import { formatDate, todayIso } from '../../lib/dates';
import { useDraft } from '../../lib/draft';
import { getLang, t } from '../../lib/i18n';
import { Check, Field, ProblemNotice } from '../../ui';
import { Deadline, type Incident } from './shared';

type ActionPlan = NonNullable<Incident['action_plan']>;
type MeasureIn = Schemas['PlanMeasureIn'];

// A measure as the form holds it: what is sent, and the name of a staff member named as responsible (shown only).
type MeasureDraft = MeasureIn & { responsible_name: string | null };
type PlanForm = { measures: MeasureDraft[]; followUpOn: string; students: boolean; parents: boolean };

const emptyMeasure = (): MeasureDraft => ({ description: '', due_on: null, responsible: null, responsible_user_id: null, responsible_name: null });

/** The form's value of a saved plan (or of none yet). */
function formOf(plan: ActionPlan | null): PlanForm {
  return {
    measures: plan?.measures.length
      ? plan.measures.map((m) => ({
          description: m.description,
          due_on: m.due_on,
          responsible: m.responsible,
          responsible_user_id: m.responsible_user?.id ?? null,
          responsible_name: m.responsible_user?.name ?? null,
        }))
      : [emptyMeasure()],
    followUpOn: plan?.follow_up_on ?? '',
    students: !!plan?.informed_students_at,
    parents: !!plan?.informed_parents_at,
  };
}

/** A measure with who carries it out. */
const withWho = (description: string, who: string | null | undefined) => (who ? `${description} (${who})` : description);

// The draft outlives reloads of the case (lib/draft.ts): a plan someone else saved meanwhile is shown beside it.
function PlanEditor({ incidentId, plan, onSaved }: { incidentId: number; plan: ActionPlan | null; onSaved: () => void }) {
  const draft = useDraft(formOf(plan), plan?.etag ?? null);
  const { measures, followUpOn, students, parents } = draft.value;
  const change = (patch: Partial<PlanForm>) => draft.set({ ...draft.value, ...patch });
  const setMeasures = (next: MeasureDraft[]) => change({ measures: next });
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};
  async function save(e: Event) {
    e.preventDefault();
    const now = new Date().toISOString();
    const ifMatch = draft.etag;
    const r = await writer.run(() =>
      api.PUT('/api/v1/incidents/{incident_id}/action-plan', {
        params: { path: { incident_id: incidentId }, header: ifMatch ? { 'If-Match': ifMatch } : {} },
        body: {
          measures: measures
            .filter((m) => m.description.trim())
            .map((m) => ({
              description: m.description.trim(),
              due_on: m.due_on || null,
              responsible: m.responsible?.trim() || null,
              responsible_user_id: m.responsible_user_id ?? null,
            })),
          follow_up_on: followUpOn,
          informed_students_at: students ? (plan?.informed_students_at ?? now) : null,
          informed_parents_at: parents ? (plan?.informed_parents_at ?? now) : null,
        },
      }),
    );
    if (r?.ok) {
      draft.wrote(formOf(r.data), r.etag);
      onSaved();
    } else if (r?.status === 412 || r?.status === 428) {
      onSaved(); // read the case again, so the plan saved meanwhile is shown beside the draft
    }
  }
  const update = (i: number, patch: Partial<MeasureDraft>) => setMeasures(measures.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  return (
    <form class="stack" onSubmit={save}>
      {measures.map((m, i) => (
        <fieldset key={i} class="card">
          <legend>
            {t('case_measure_desc')} {i + 1}
          </legend>
          <Field class="row-main" label={t('case_measure_desc')} error={fields[`measures.${i}.description`]}>
            <textarea
              rows={2}
              required={i === 0}
              maxLength={MAX.PlanMeasureIn.description}
              value={m.description}
              onInput={(e) => update(i, { description: e.currentTarget.value })}
            />
          </Field>
          {/* Each measure says who carries it out (the API refuses one that does not): a staff member named
              through the API is shown; here it is said in words ("the class teacher", "the parents"). */}
          <Field label={t('case_measure_who')} error={fields[`measures.${i}.responsible`]}>
            <input
              type="text"
              required={!!m.description.trim() && !m.responsible_user_id}
              maxLength={MAX.PlanMeasureIn.responsible}
              placeholder={t('case_measure_who_hint')}
              value={m.responsible ?? ''}
              onInput={(e) => update(i, { responsible: e.currentTarget.value || null })}
            />
          </Field>
          {m.responsible_name && <p class="muted small">{t('case_measure_staff', { name: m.responsible_name })}</p>}
          <Field label={t('case_measure_due')}>
            <input type="date" value={m.due_on ?? ''} onInput={(e) => update(i, { due_on: e.currentTarget.value || null })} />
          </Field>
        </fieldset>
      ))}
      {measures.length < MAX.ActionPlanPut.measures && (
        <button type="button" class="btn secondary" onClick={() => setMeasures([...measures, emptyMeasure()])}>
          {t('case_measure_add')}
        </button>
      )}
      <Field label={t('case_follow_up_on')} error={fields.follow_up_on}>
        <input type="date" required value={followUpOn} min={todayIso()} onInput={(e) => change({ followUpOn: e.currentTarget.value })} />
      </Field>
      <Check label={t('case_informed_students')} checked={students} onChange={(v) => change({ students: v })} />
      <Check label={t('case_informed_parents')} checked={parents} onChange={(v) => change({ parents: v })} />
      {draft.theirs !== null ? (
        <SavedMeanwhile draft={draft} onChoose={() => writer.setProblem(null)}>
          <ul>
            {draft.theirs.measures.map((m, i) => (
              <li key={i}>{withWho(m.description, m.responsible_name ?? m.responsible)}</li>
            ))}
          </ul>
          {draft.theirs.followUpOn && <p>{t('case_follow_up_on')}: {formatDate(draft.theirs.followUpOn, getLang())}</p>}
        </SavedMeanwhile>
      ) : (
        <ProblemNotice problem={writer.problem} shown={['follow_up_on']} />
      )}
      <button type="submit" class="btn primary" disabled={draft.theirs !== null || writer.busy}>
        {t('case_plan_save')}
      </button>
    </form>
  );
}

export function ActionPlan({ c, canWrite, onSaved }: { c: Incident; canWrite: boolean; onSaved: () => void }) {
  const plan = c.action_plan;
  const lang = getLang();
  return (
    <>
      <p>
        <Deadline due={c.action_plan_due} status={c.deadline_status} long />
      </p>
      {plan?.adopted_at && <p class="muted">{t('case_plan_adopted', { date: formatDate(plan.adopted_at, lang) })}</p>}
      {canWrite ? (
        <PlanEditor incidentId={c.id} plan={plan} onSaved={onSaved} />
      ) : plan ? (
        <ul>
          {plan.measures.map((m, i) => (
            <li key={i}>{withWho(m.description, m.responsible_user?.name ?? m.responsible)}</li>
          ))}
        </ul>
      ) : (
        <p>{t('case_no_plan')}</p>
      )}
    </>
  );
}
