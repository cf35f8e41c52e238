/** Prevention: today's play-partner arrangements, observations, wellbeing days and their groups. */
import { useEffect, useState } from 'preact/hooks';
import { api, useWriter } from '../api/client';
import { CHECK_IN_OUTCOMES, CLASSIFICATIONS, type CheckInOutcome, type Classification } from '../api/enums';
import type { Read } from '../api/types';
import { formatDate, formatDateTime, todayIso } from '../lib/dates';
import { getLang, t, tEnum, type Key } from '../lib/i18n';
import type { User } from '../lib/session';
import { Async, Check, Chips, Field, Pager, ProblemNotice, useConfirm, useLoad } from '../ui';
import { ArrangementPlanning } from './planning/arrangements';
import { NewWellbeingDay } from './planning/wellbeing-day';

type Outcome = CheckInOutcome;
const MOOD_FACES = ['😢', '🙁', '😐', '🙂', '😄'];

type Arrangement = Read<'ArrangementRead'>;

function ArrangementCard({ a, today }: { a: Arrangement; today: string }) {
  const [recorded, setRecorded] = useState<Outcome | null>(null);
  const writer = useWriter();
  const names = a.students.map((s) => s.display_name).join(' + ');

  useEffect(() => {
    api
      .GET('/api/v1/play-partner-arrangements/{arrangement_id}/check-ins', {
        params: { path: { arrangement_id: a.id }, query: { from: today, to: today, page_size: 1 } },
      })
      .then(({ data }) => {
        const last = data?.items[0];
        if (last && (CHECK_IN_OUTCOMES as readonly string[]).includes(last.outcome)) setRecorded(last.outcome as Outcome);
      })
      .catch(() => {});
  }, [a.id, today]);

  async function checkIn(outcome: Outcome) {
    const r = await writer.run((headers) =>
      api.POST('/api/v1/play-partner-arrangements/{arrangement_id}/check-ins', {
        params: { path: { arrangement_id: a.id } },
        headers,
        body: { date: today, outcome },
      }),
    );
    if (r?.ok) setRecorded(outcome);
  }

  return (
    <li class="card">
      <div class="row-main">
        <a href={`#/play-partners/${a.id}`}>{names}</a>
        <span class="muted small">
          {a.recesses.map((r) => tEnum('recess', r)).join(', ')} · {a.responsible.name}
        </span>
        {a.purpose && <span class="small">{a.purpose}</span>}
        {recorded && <span role="status">{t('pp_checked', { o: t(`pp_${recorded}` as Key) })}</span>}
        <ProblemNotice problem={writer.problem} />
      </div>
      <Chips groupLabel={names} options={CHECK_IN_OUTCOMES} text={(o) => t(`pp_${o}` as Key)} isOn={(o) => recorded === o} onPick={checkIn} />
    </li>
  );
}

export function PlayPartners({ user }: { user: User }) {
  const today = todayIso();
  const state = useLoad(
    () => api.GET('/api/v1/play-partner-arrangements', { params: { query: { date: today, status: 'active', page_size: 100 } } }),
    [today],
  );
  const lang = getLang();
  return (
    <>
      <h1>{t('pp_today')}</h1>
      <p class="muted">{formatDate(today, lang)}</p>
      <Async state={state}>
        {(data) => {
          if (!data.items.length) return <p>{t('pp_none')}</p>;
          return (
            <ul class="list">
              {data.items.map((a) => (
                <ArrangementCard key={a.id} a={a} today={today} />
              ))}
            </ul>
          );
        }}
      </Async>
      <ArrangementPlanning user={user} onSaved={state.reload} quiet={state.error !== null} />
    </>
  );
}

type Observation = Read<'ObservationRead'>;

/** "Turn into incident": pick what kind, and the API creates the incident linked to the observation. */
function ToIncident({ o, onDone }: { o: Observation; onDone: (incidentId: number) => void }) {
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<Classification | null>(null);
  // One key from opening until the incident exists: a lost answer and a second tap make one incident.
  const writer = useWriter();
  const id = `obs-${o.id}-kind`;
  async function create() {
    if (!kind) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/observations/{observation_id}/incident', {
        params: { path: { observation_id: o.id } },
        headers,
        body: { classification: kind },
      }),
    );
    if (r?.ok && r.data.incident_id) onDone(r.data.incident_id);
  }
  if (!open)
    return (
      <button type="button" class="btn secondary start" aria-expanded="false" onClick={() => setOpen(true)}>
        {t('obs_to_incident')}
      </button>
    );
  return (
    <div class="stack to-incident">
      <p id={id} class="label-strong">
        {t('obs_to_incident_kind')}
      </p>
      <Chips groupLabelledBy={id} options={CLASSIFICATIONS} text={(c) => tEnum('c', c)} isOn={(c) => kind === c} onPick={setKind} />
      <p class="muted small">{t('obs_to_incident_note')}</p>
      <ProblemNotice problem={writer.problem} />
      <div class="chips-row">
        <button type="button" class="btn primary" disabled={!kind || writer.busy} onClick={create}>
          {t('obs_to_incident_create')}
        </button>
        <button type="button" class="btn secondary" onClick={() => setOpen(false)}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}

function ObservationCard({ o: initial }: { o: Observation }) {
  const [o, setO] = useState(initial);
  const [created, setCreated] = useState(false);
  const lang = getLang();
  return (
    <li class="card">
      <div class="row-main">
        <strong>
          <span aria-hidden="true">{MOOD_FACES[o.mood - 1]} </span>
          {o.students.map((s) => s.display_name).join(', ')}
        </strong>
        <span class="muted small">
          {t(`mood_${o.mood}` as Key)}
          {o.context ? ` · ${tEnum('ctx', o.context)}` : ''} · {formatDateTime(o.observed_at, lang)} · {o.author.name}
        </span>
        {o.tags.length > 0 && (
          <ul class="tag-list" aria-label={t('obs_tags')}>
            {o.tags.map((tag) => (
              <li key={tag}>{tEnum('tag', tag)}</li>
            ))}
          </ul>
        )}
        {o.sensitive && <span class="pill warn">{t('obs_sensitive_badge')}</span>}
        {o.note && <span>{o.note}</span>}
        {o.note_hidden && <span class="muted small">{t('obs_note_hidden')}</span>}
        {created && o.incident_id && (
          <span class="notice ok" role="status">
            {t('obs_converted', { id: o.incident_id })}
          </span>
        )}
        {o.incident_id ? (
          <a href={`#/cases/${o.incident_id}`}>{t('obs_incident_link', { id: o.incident_id })}</a>
        ) : (
          <ToIncident
            o={o}
            onDone={(incidentId) => {
              setO({ ...o, incident_id: incidentId });
              setCreated(true);
            }}
          />
        )}
      </div>
    </li>
  );
}

export function Observations(_: { user: User }) {
  const [page, setPage] = useState(1);
  const state = useLoad(() => api.GET('/api/v1/observations', { params: { query: { page, page_size: 25 } } }), [page]);
  return (
    <>
      <h1>{t('nav_observations')}</h1>
      <p>
        <a class="btn primary" href="#/log?what=observation">
          {t('obs_new')}
        </a>
      </p>
      <Async state={state}>
        {(data) => {
          if (!data.items.length) return <p>{t('obs_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((o) => (
                  <ObservationCard key={`${o.id}-${o.updated_at}`} o={o} />
                ))}
              </ul>
              <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
            </>
          );
        }}
      </Async>
    </>
  );
}

export function WellbeingDays({ user }: { user: User }) {
  const state = useLoad(() => api.GET('/api/v1/wellbeing-days', { params: { query: { page_size: 50 } } }), []);
  const [planning, setPlanning] = useState(false);
  const lang = getLang();
  return (
    <>
      <h1>{t('nav_wellbeing_days')}</h1>
      {/* The API says who may plan a day (can_create); the screen does not guess it from roles. */}
      {state.data?.can_create &&
        (planning ? (
          <NewWellbeingDay user={user} onCancel={() => setPlanning(false)} />
        ) : (
          <button type="button" class="btn primary start" aria-expanded="false" onClick={() => setPlanning(true)}>
            {t('pl_wd_new')}
          </button>
        ))}
      <Async state={state}>
        {(data) => {
          if (!data.items.length) return <p>{t('wd_none')}</p>;
          return (
            <ul class="list">
              {data.items.map((d) => (
                <li key={d.id} class="card">
                  <div class="row-main">
                    <a href={`#/wellbeing-days/${d.id}`}>{d.title}</a>
                    <span class="muted small">{formatDate(d.date, lang)}</span>
                  </div>
                </li>
              ))}
            </ul>
          );
        }}
      </Async>
    </>
  );
}

type GroupStudent = Read<'GroupStudent'>;

export function WellbeingDay({ id }: { id: string; user: User }) {
  const dayId = Number(id);
  const day = useLoad(() => api.GET('/api/v1/wellbeing-days/{day_id}', { params: { path: { day_id: dayId } } }), [dayId]);
  const groups = useLoad(() => api.GET('/api/v1/wellbeing-days/{day_id}/groups', { params: { path: { day_id: dayId } } }), [dayId]);
  const [size, setSize] = useState(6);
  const [keep, setKeep] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const writer = useWriter();
  const [confirm, dialog] = useConfirm();
  // TODO(spec): the API says nothing per day about who may plan; this mirrors its planner roles until it does.
  // The API says who may build and change the groups (can_plan); the screen does not guess it from roles.
  const canPlan = groups.data?.can_plan === true;
  const lang = getLang();

  // The groups' ETag guards moves against someone else regenerating them meanwhile.
  const etag = groups.etag;

  async function generate(e: Event) {
    e.preventDefault();
    const existing = groups.data?.groups.length ?? 0;
    if (existing > 0 && !(await confirm({ title: t('wd_confirm_title'), body: t('wd_confirm_body', { n: existing }), action: t('wd_confirm_action') })))
      return;
    setMessage(null);
    const r = await writer.run(() =>
      api.POST('/api/v1/wellbeing-days/{day_id}/groups', {
        params: { path: { day_id: dayId }, header: etag ? { 'If-Match': etag } : {} },
        body: { group_size: size, keep_play_partners: keep },
      }),
    );
    if (r?.ok) groups.reload();
  }

  async function move(student: GroupStudent, group: number) {
    if (!etag) return;
    setMessage(null);
    const r = await writer.run(() =>
      api.POST('/api/v1/wellbeing-days/{day_id}/groups/moves', {
        params: { path: { day_id: dayId }, header: { 'If-Match': etag } },
        body: { student_id: student.id, group },
      }),
    );
    if (r?.ok) {
      groups.reload();
      setMessage(t('wd_moved', { name: student.display_name, n: group }));
    }
  }

  return (
    <>
      <p class="no-print">
        <a class="back" href="#/wellbeing-days">← {t('nav_wellbeing_days')}</a>
      </p>
      {dialog}
      <Async state={day}>
        {(d) => {
          return (
            <>
              <h1>{d.title}</h1>
              <p class="muted">{formatDate(d.date, lang)}</p>
              {d.description && <p>{d.description}</p>}
            </>
          );
        }}
      </Async>
      {canPlan && (
        <form class="toolbar no-print" onSubmit={generate}>
          <Field label={t('wd_group_size')}>
            <input type="number" min={2} max={30} value={size} onInput={(e) => setSize(Number(e.currentTarget.value))} />
          </Field>
          <Check label={t('wd_keep_pp')} checked={keep} onChange={setKeep} />
          {/* Wait for the groups and their ETag: replacing existing groups needs If-Match. */}
          <button type="submit" class="btn primary" disabled={writer.busy || groups.loading || groups.data === null}>
            {t('wd_generate')}
          </button>
        </form>
      )}
      <ProblemNotice problem={writer.problem} shown={['group_size']} />
      {message && (
        <p class="notice ok" role="status">
          {message}
        </p>
      )}
      <Async state={groups}>
        {(plan) => {
          if (!plan.groups.length) return <p>{t('wd_no_groups')}</p>;
          const numbers = plan.groups.map((g) => g.number);
          return (
            <>
              <p class="muted">
                {t('wd_stats', {
                  students: plan.stats.student_count,
                  groups: plan.stats.group_count,
                  min: plan.stats.min_size,
                  max: plan.stats.max_size,
                })}
              </p>
              <div class="chips-row no-print">
                <button type="button" class="btn secondary" onClick={() => window.print()}>
                  {t('wd_print')}
                </button>
                <a class="btn secondary" href={`/api/v1/wellbeing-days/${dayId}/groups/csv`} download>
                  {t('wd_csv')}
                </a>
              </div>
              <div class="groups">
                {plan.groups.map((g) => (
                  <section key={g.number} class="card" aria-labelledby={`g-${g.number}`}>
                    <div class="row-main">
                      <h2 id={`g-${g.number}`}>{t('wd_group', { n: g.number })}</h2>
                      {g.adults.length > 0 && <span class="muted small">{g.adults.map((a) => a.name).join(', ')}</span>}
                      <ul class="plain-list">
                        {g.students.map((s) => {
                          return (
                            <li key={s.id}>
                              <span>
                                {s.display_name} <span class="muted small">{s.class_name ?? t('wd_class_unknown')}</span>
                              </span>
                              {canPlan && (
                                <label class="no-print">
                                  <span class="sr-only">{t('wd_move', { name: s.display_name })}</span>
                                  <select
                                    value={g.number}
                                    disabled={writer.busy || groups.loading}
                                    onChange={(e) => move(s, Number(e.currentTarget.value))}
                                  >
                                    {numbers.map((n) => (
                                      <option key={n} value={n}>
                                        {n}
                                      </option>
                                    ))}
                                  </select>
                                </label>
                              )}
                            </li>
                          );
                        })}
                      </ul>
                    </div>
                  </section>
                ))}
              </div>
              {plan.unassigned.length > 0 && (
                <>
                  <h2>{t('wd_unassigned')}</h2>
                  <ul>
                    {plan.unassigned.map((s) => (
                      <li key={s.id}>{s.display_name}</li>
                    ))}
                  </ul>
                </>
              )}
            </>
          );
        }}
      </Async>
    </>
  );
}
