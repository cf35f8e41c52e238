/**
 * "Ret aftalen": the arrangement's fields, saved with the ETag of the version the user started from, so two adults
 * never overwrite each other; a change saved meanwhile is shown beside the draft (lib/draft.ts), never lost.
 */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { formatDate } from '../../lib/dates';
import { useDraft } from '../../lib/draft';
import { getLang, t, tEnum } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { SavedMeanwhile } from '../../forms';
import { ProblemNotice } from '../../ui';
import { ArrangementFields, PLAN_FIELDS } from './arrangement-fields';
import { useStaffDirectory, type Adult } from './pickers';
import { changesOf, checkPlan, planOf, samePlan, weekdayName, type Arrangement, type Plan, type PlanErrors } from './plan';

/** The value someone else saved meanwhile, as the form would show it. */
function Theirs({ plan, adults }: { plan: Plan; adults: Adult[] }) {
  const lang = getLang();
  const responsible = adults.find((a) => a.id === plan.responsible)?.name ?? '';
  return (
    <ul>
      <li>{plan.picked.map((s) => s.display_name).join(' + ')}</li>
      <li>
        {plan.recesses.map((r) => tEnum('recess', r)).join(', ')} · {plan.weekdays.map(weekdayName).join(', ')}
      </li>
      <li>{t('pl_pp_period', { start: formatDate(plan.start, lang), end: formatDate(plan.end, lang) })}</li>
      {responsible && (
        <li>
          {t('pl_pp_responsible')}: {responsible}
        </li>
      )}
      {plan.purpose && <li>{plan.purpose}</li>}
    </ul>
  );
}

export function EditArrangement({
  a,
  user,
  onSaved,
  onReload,
  onCancel,
}: {
  a: Arrangement;
  user: User;
  /** Saved: the arrangement as the API now has it. */
  onSaved: (a: Arrangement) => void;
  /** Read the arrangement again (after a 412, so the change saved meanwhile is shown beside the draft). */
  onReload: () => void;
  onCancel: () => void;
}) {
  const saved = planOf(a);
  const draft = useDraft(saved, a.etag, samePlan);
  const adults = useStaffDirectory(user, { worksWithChildren: true, keep: a.responsible });
  const [errors, setErrors] = useState<PlanErrors>({});
  const writer = useWriter();

  async function save(e: Event) {
    e.preventDefault();
    const found = checkPlan(draft.value);
    setErrors(found);
    const ifMatch = draft.etag;
    if (Object.keys(found).length || !ifMatch) return;
    const r = await writer.run(() =>
      api.PATCH('/api/v1/play-partner-arrangements/{arrangement_id}', {
        params: { path: { arrangement_id: a.id }, header: { 'If-Match': ifMatch } },
        body: changesOf(saved, draft.value),
      }),
    );
    if (r?.ok) {
      draft.wrote(planOf(r.data), r.etag);
      onSaved(r.data);
    } else if (r?.status === 412 || r?.status === 428) {
      onReload();
    }
  }

  return (
    <form class="card stack plan-form" aria-labelledby="pp-edit-h" onSubmit={save}>
      <h2 id="pp-edit-h">{t('pp_edit')}</h2>
      <ArrangementFields id="pp-edit" value={draft.value} onChange={draft.set} adults={adults} user={user} errors={errors} fields={writer.problem?.fields ?? {}} />
      {draft.theirs !== null ? (
        <SavedMeanwhile draft={draft} onChoose={() => writer.setProblem(null)}>
          <Theirs plan={draft.theirs} adults={adults} />
        </SavedMeanwhile>
      ) : (
        <ProblemNotice problem={writer.problem} shown={PLAN_FIELDS} />
      )}
      <div class="chips-row">
        <button type="submit" class="btn primary" disabled={!draft.dirty || draft.theirs !== null || writer.busy}>
          {t('pp_edit_save')}
        </button>
        <button type="button" class="btn secondary" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
