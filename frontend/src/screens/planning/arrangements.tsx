/** Play-partner planning: the active arrangements, and "Ny legemakker-aftale" for those the API lets make one. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { RECESSES, type Recess } from '../../api/enums';
import { MAX } from '../../api/limits';
import type { Read } from '../../api/types';
import { formatDate, todayIso } from '../../lib/dates';
import { getLang, t, tEnum, type Key } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { SaveOrCancel } from '../../forms';
import { Async, Field, FieldError, ProblemNotice, ToggleChips, useLoad } from '../../ui';
import { StudentPicker, useSchoolStaff, type Picked } from './pickers';

type Arrangement = Read<'ArrangementRead'>;
const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
type Weekday = (typeof WEEKDAYS)[number];
const weekdayName = (d: Weekday | number) => t(`weekday_${d}` as Key);

interface Errors {
  students?: string;
  recesses?: string;
  weekdays?: string;
}

function NewArrangement({ user, onSaved, onCancel }: { user: User; onSaved: (a: Arrangement) => void; onCancel: () => void }) {
  const { adults } = useSchoolStaff(user);
  const [picked, setPicked] = useState<Picked[]>([]);
  const [recesses, setRecesses] = useState<Recess[]>([]);
  const [weekdays, setWeekdays] = useState<Weekday[]>(['1', '2', '3', '4', '5']);
  const [start, setStart] = useState(todayIso());
  const [end, setEnd] = useState('');
  const [responsible, setResponsible] = useState(user.id);
  const [purpose, setPurpose] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const writer = useWriter();

  async function save(e: Event) {
    e.preventDefault();
    const found: Errors = {};
    if (picked.length < 2) found.students = t('pl_pp_need_students');
    if (!recesses.length) found.recesses = t('pl_pp_need_recess');
    if (!weekdays.length) found.weekdays = t('pl_pp_need_weekday');
    setErrors(found);
    if (Object.keys(found).length) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/play-partner-arrangements', {
        headers,
        body: {
          student_ids: picked.map((p) => p.id),
          recesses,
          weekdays: weekdays.map(Number),
          start_date: start,
          end_date: end,
          responsible_id: responsible,
          ...(purpose.trim() ? { purpose: purpose.trim() } : {}),
        },
      }),
    );
    if (r?.ok) onSaved(r.data);
  }

  const fields = writer.problem?.fields ?? {};
  return (
    <form class="card stack plan-form" aria-labelledby="pp-new-h" onSubmit={save}>
      <h2 id="pp-new-h">{t('pl_pp_new')}</h2>
      <StudentPicker id="pp-students" picked={picked} onChange={setPicked} error={errors.students ?? fields.student_ids} />
      <ToggleChips legend={t('pl_pp_recesses')} options={RECESSES} text={(r) => tEnum('recess', r)} value={recesses} onChange={setRecesses} />
      <FieldError text={errors.recesses} />
      <ToggleChips legend={t('pl_pp_weekdays')} options={WEEKDAYS} text={weekdayName} value={weekdays} onChange={setWeekdays} />
      <FieldError text={errors.weekdays} />
      <div class="toolbar">
        <Field label={t('pl_pp_start')} error={fields.start_date}>
          <input type="date" required value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        </Field>
        <Field label={t('pl_pp_end')} error={fields.end_date}>
          <input type="date" required min={start} value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
        </Field>
      </div>
      <Field label={t('pl_pp_responsible')} error={fields.responsible_id}>
        <select value={responsible} onChange={(e) => setResponsible(Number(e.currentTarget.value))}>
          {adults.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id === user.id ? t('pl_pp_me', { name: a.name }) : a.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('pl_pp_purpose')} error={fields.purpose}>
        <textarea rows={2} maxLength={MAX.ArrangementCreate.purpose} aria-describedby="pp-purpose-hint" value={purpose} onInput={(e) => setPurpose(e.currentTarget.value)} />
      </Field>
      <p id="pp-purpose-hint" class="muted small">
        {t('pl_pp_purpose_hint')}
      </p>
      <ProblemNotice problem={writer.problem} shown={['rule', 'student_ids', 'start_date', 'end_date', 'responsible_id', 'purpose']} />
      <SaveOrCancel save={t('pl_pp_save')} busy={writer.busy} onCancel={onCancel} />
    </form>
  );
}

function Summary({ a }: { a: Arrangement }) {
  const lang = getLang();
  return (
    <li class="card">
      <div class="row-main">
        <strong>{a.students.map((s) => s.display_name).join(' + ')}</strong>
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
