/** The action plan: its measures, follow-up date and who was informed; written by those the API lets write it. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import type { Schemas } from '../../api/types';
import { formatDate, todayIso } from '../../lib/dates';
import { getLang, t } from '../../lib/i18n';
import { Check, Field, ProblemNotice } from '../../ui';
import { Deadline, type Incident } from './shared';

type ActionPlan = NonNullable<Incident['action_plan']>;
type MeasureIn = Schemas['PlanMeasureIn'];

function PlanEditor({ incidentId, plan, onSaved }: { incidentId: number; plan: ActionPlan | null; onSaved: () => void }) {
  const [measures, setMeasures] = useState<MeasureIn[]>(
    plan?.measures.length
      ? plan.measures.map((m) => ({ description: m.description, due_on: m.due_on, responsible: m.responsible, responsible_user_id: m.responsible_user?.id ?? null }))
      : [{ description: '', due_on: null, responsible: null }],
  );
  const [followUpOn, setFollowUpOn] = useState(plan?.follow_up_on ?? '');
  const [students, setStudents] = useState(!!plan?.informed_students_at);
  const [parents, setParents] = useState(!!plan?.informed_parents_at);
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};
  async function save(e: Event) {
    e.preventDefault();
    const now = new Date().toISOString();
    const r = await writer.run(() =>
      api.PUT('/api/v1/incidents/{incident_id}/action-plan', {
        params: { path: { incident_id: incidentId }, header: plan ? { 'If-Match': plan.etag } : {} },
        body: {
          measures: measures
            .filter((m) => m.description.trim())
            .map((m) => ({
              description: m.description.trim(),
              due_on: m.due_on || null,
              responsible: m.responsible || null,
              responsible_user_id: m.responsible_user_id ?? null,
            })),
          follow_up_on: followUpOn,
          informed_students_at: students ? (plan?.informed_students_at ?? now) : null,
          informed_parents_at: parents ? (plan?.informed_parents_at ?? now) : null,
        },
      }),
    );
    if (r?.ok) onSaved();
  }
  const update = (i: number, patch: Partial<MeasureIn>) => setMeasures(measures.map((m, j) => (j === i ? { ...m, ...patch } : m)));
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
          <Field label={t('case_measure_due')}>
            <input type="date" value={m.due_on ?? ''} onInput={(e) => update(i, { due_on: e.currentTarget.value || null })} />
          </Field>
        </fieldset>
      ))}
      {measures.length < MAX.ActionPlanPut.measures && (
        <button type="button" class="btn secondary" onClick={() => setMeasures([...measures, { description: '', due_on: null, responsible: null }])}>
          {t('case_measure_add')}
        </button>
      )}
      <Field label={t('case_follow_up_on')} error={fields.follow_up_on}>
        <input type="date" required value={followUpOn} min={todayIso()} onInput={(e) => setFollowUpOn(e.currentTarget.value)} />
      </Field>
      <Check label={t('case_informed_students')} checked={students} onChange={setStudents} />
      <Check label={t('case_informed_parents')} checked={parents} onChange={setParents} />
      <ProblemNotice problem={writer.problem} shown={['follow_up_on']} />
      <button type="submit" class="btn primary" disabled={writer.busy}>
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
        <PlanEditor key={plan ? plan.etag : 'new'} incidentId={c.id} plan={plan} onSaved={onSaved} />
      ) : plan ? (
        <ul>
          {plan.measures.map((m, i) => (
            <li key={i}>{m.description}</li>
          ))}
        </ul>
      ) : (
        <p>{t('case_no_plan')}</p>
      )}
    </>
  );
}
