/** Play-partner planning: the active arrangements (each opens), and "Ny legemakker-aftale" for those the API lets
 * make one. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { formatDate, todayIso } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { SaveOrCancel } from '../../forms';
import { Async, ProblemNotice, useLoad } from '../../ui';
import { ArrangementFields, PLAN_FIELDS } from './arrangement-fields';
import { checkPlan, weekdayName, type Arrangement, type Plan, type PlanErrors } from './plan';
import { useStaffDirectory } from './pickers';

function NewArrangement({ user, onSaved, onCancel }: { user: User; onSaved: (a: Arrangement) => void; onCancel: () => void }) {
  const adults = useStaffDirectory(user, { worksWithChildren: true });
  const [plan, setPlan] = useState<Plan>({
    picked: [],
    recesses: [],
    weekdays: ['1', '2', '3', '4', '5'],
    start: todayIso(),
    end: '',
    responsible: user.id,
    purpose: '',
  });
  const [errors, setErrors] = useState<PlanErrors>({});
  const writer = useWriter();

  async function save(e: Event) {
    e.preventDefault();
    const found = checkPlan(plan);
    setErrors(found);
    if (Object.keys(found).length) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/play-partner-arrangements', {
        headers,
        body: {
          student_ids: plan.picked.map((p) => p.id),
          recesses: plan.recesses,
          weekdays: plan.weekdays.map(Number),
          start_date: plan.start,
          end_date: plan.end,
          responsible_id: plan.responsible,
          ...(plan.purpose.trim() ? { purpose: plan.purpose.trim() } : {}),
        },
      }),
    );
    if (r?.ok) onSaved(r.data);
  }

  return (
    <form class="card stack plan-form" aria-labelledby="pp-new-h" onSubmit={save}>
      <h2 id="pp-new-h">{t('pl_pp_new')}</h2>
      <ArrangementFields id="pp" value={plan} onChange={setPlan} adults={adults} user={user} errors={errors} fields={writer.problem?.fields ?? {}} />
      <ProblemNotice problem={writer.problem} shown={PLAN_FIELDS} />
      <SaveOrCancel save={t('pl_pp_save')} busy={writer.busy} onCancel={onCancel} />
    </form>
  );
}

function Summary({ a }: { a: Arrangement }) {
  const lang = getLang();
  return (
    <li class="card">
      <div class="row-main">
        {/* The names open the arrangement: its check-ins, and what this reader may change. */}
        <a href={`#/play-partners/${a.id}`}>{a.students.map((s) => s.display_name).join(' + ')}</a>
        <span class="muted small">
          {a.recesses.map((r) => tEnum('recess', r)).join(', ')} · {a.weekdays.map(weekdayName).join(', ')}
        </span>
        <span class="muted small">
          {t('pl_pp_period', { start: formatDate(a.start_date, lang), end: formatDate(a.end_date, lang) })} · {a.responsible.name}
        </span>
        {a.purpose && <span class="small">{a.purpose}</span>}
        {a.overlaps.length > 0 && <span class="pill warn">{t('pl_pp_overlaps')}</span>}
        {a.case_conflict && <span class="pill warn">{t('pl_pp_case_conflict')}</span>}
      </div>
    </li>
  );
}

/** The active arrangements (whatever their weekdays: a new one shows here at once) and the form to make one,
 * offered when the API says this caller may (`can_create`). `onSaved` lets today's list reload; `quiet` leaves
 * a failed load unsaid when the screen already says so (today's list failed too, e.g. offline). */
export function ArrangementPlanning({ user, onSaved, quiet }: { user: User; onSaved: () => void; quiet: boolean }) {
  const state = useLoad(() => api.GET('/api/v1/play-partner-arrangements', { params: { query: { status: 'active', page_size: 100 } } }), []);
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <>
      {saved && (
        <p class="notice ok" role="status">
          {saved}
        </p>
      )}
      {state.data?.can_create &&
        (open ? (
          <NewArrangement
            user={user}
            onCancel={() => setOpen(false)}
            onSaved={(a) => {
              setOpen(false);
              setSaved(t('pl_pp_saved', { names: a.students.map((s) => s.display_name).join(' + ') }));
              state.reload();
              onSaved();
            }}
          />
        ) : (
          <button type="button" class="btn primary start" aria-expanded="false" onClick={() => (setSaved(null), setOpen(true))}>
            {t('pl_pp_new')}
          </button>
        ))}
      <h2>{t('pl_pp_all')}</h2>
      <Async state={quiet && state.error ? { ...state, error: null } : state}>
        {(data) =>
          data.items.length ? (
            <ul class="list" aria-label={t('pl_pp_all')}>
              {data.items.map((a) => (
                <Summary key={a.id} a={a} />
              ))}
            </ul>
          ) : (
            <p>{t('pl_pp_all_none')}</p>
          )
        }
      </Async>
    </>
  );
}
