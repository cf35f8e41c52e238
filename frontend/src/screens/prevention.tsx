/** Prevention: today's play-partner arrangements, observations, wellbeing days and their groups. */
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../api/client';
import { full } from '../api/types';
import { formatDate, formatDateTime, todayIso } from '../lib/dates';
import { getLang, t, tEnum, type Key } from '../lib/i18n';
import { hasRole, type User } from '../lib/session';
import { Async, Pager, useLoad } from '../ui';

const OUTCOMES = ['good', 'mixed', 'did_not_happen'] as const;
type Outcome = (typeof OUTCOMES)[number];
const MOOD_FACES = ['😢', '🙁', '😐', '🙂', '😄'];

export function PlayPartners(_: { user: User }) {
  const today = todayIso();
  const state = useLoad(() => api.GET('/api/v1/play-partner-arrangements', { params: { query: { date: today } } }), [today]);
  const [done, setDone] = useState<Record<number, Outcome>>({});
  const [error, setError] = useState<string | null>(null);
  const lang = getLang();

  async function checkIn(id: number, outcome: Outcome) {
    setError(null);
    try {
      const { error: err, response } = await api.POST('/api/v1/play-partner-arrangements/{arrangement_id}/check-ins', {
        params: { path: { arrangement_id: id } },
        body: { date: today, outcome },
      });
      if (response.ok) setDone({ ...done, [id]: outcome });
      else setError(errorMessage(err));
    } catch {
      setError(t('error_offline'));
    }
  }

  return (
    <>
      <h1>{t('pp_today')}</h1>
      <p class="muted">{formatDate(today, lang)}</p>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <Async state={state}>
        {(raw) => {
          const data = full(raw);
          if (!data.items.length) return <p>{t('pp_none')}</p>;
          return (
            <ul class="list">
              {data.items.map((a) => {
                const recorded = done[a.id] ?? (a.check_ins.find((c) => c.date === today)?.outcome as Outcome | undefined);
                const names = a.students.map((s) => s.display_name).join(' + ');
                return (
                  <li key={a.id} class="card">
                    <div class="row-main">
                      <strong>{names}</strong>
                      <span class="muted small">
                        {a.recesses.join(', ')} · {a.responsible.name}
                      </span>
                      {recorded && <span role="status">{t('pp_checked', { o: t(`pp_${recorded}` as Key) })}</span>}
                    </div>
                    <div class="chips-row" role="group" aria-label={names}>
                      {OUTCOMES.map((o) => (
                        <button key={o} type="button" class="tag" aria-pressed={recorded === o} onClick={() => checkIn(a.id, o)}>
                          {t(`pp_${o}` as Key)}
                        </button>
                      ))}
                    </div>
                  </li>
                );
              })}
            </ul>
          );
        }}
      </Async>
    </>
  );
}

export function Observations(_: { user: User }) {
  const [page, setPage] = useState(1);
  const state = useLoad(() => api.GET('/api/v1/observations', { params: { query: { page, page_size: 25 } } }), [page]);
  const lang = getLang();
  return (
    <>
      <h1>{t('nav_observations')}</h1>
      <p>
        <a class="btn primary" href="#/log">
          {t('obs_new')}
        </a>
      </p>
      <Async state={state}>
        {(raw) => {
          const data = full(raw);
          if (!data.items.length) return <p>{t('obs_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((o) => (
                  <li key={o.id} class="card">
                    <div class="row-main">
                      <strong>
                        <span aria-hidden="true">{MOOD_FACES[o.mood - 1]} </span>
                        {o.students.map((s) => s.display_name).join(', ')}
                      </strong>
                      <span class="muted small">
                        {t(`mood_${o.mood}` as Key)}
                        {o.context ? ` · ${tEnum('ctx', o.context)}` : ''} · {formatDateTime(o.created_at, lang)} · {o.author.name}
                      </span>
                      {o.note && <span>{o.note}</span>}
                    </div>
                  </li>
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

export function WellbeingDays(_: { user: User }) {
  const state = useLoad(() => api.GET('/api/v1/wellbeing-days', { params: { query: { page_size: 50 } } }), []);
  const lang = getLang();
  return (
    <>
      <h1>{t('nav_wellbeing_days')}</h1>
      <Async state={state}>
        {(raw) => {
          const data = full(raw);
          if (!data.items.length) return <p>{t('wd_none')}</p>;
          return (
            <ul class="list">
              {data.items.map((d) => (
                <li key={d.id} class="card">
                  <div class="row-main">
                    <a href={`#/wellbeing-days/${d.id}`}>{d.name}</a>
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

export function WellbeingDay({ id, user }: { id: string; user: User }) {
  const dayId = Number(id);
  const state = useLoad(() => api.GET('/api/v1/wellbeing-days/{day_id}', { params: { path: { day_id: dayId } } }), [dayId]);
  const [size, setSize] = useState(4);
  const [keep, setKeep] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canPlan = hasRole(user, 'leader', 'resource_person', 'teacher', 'pedagogue');
  const lang = getLang();

  async function generate(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { error: err, response } = await api.POST('/api/v1/wellbeing-days/{day_id}/groups', {
        params: { path: { day_id: dayId } },
        body: { group_size: size, keep_play_partners: keep },
      });
      if (response.ok) state.reload();
      else setError(errorMessage(err));
    } catch {
      setError(t('error_offline'));
    }
    setBusy(false);
  }

  return (
    <>
      <p class="no-print">
        <a href="#/wellbeing-days">← {t('nav_wellbeing_days')}</a>
      </p>
      <Async state={state}>
        {(raw) => {
          const d = full(raw);
          return (
            <>
              <h1>{d.name}</h1>
              <p class="muted">{formatDate(d.date, lang)}</p>
              {canPlan && (
                <form class="toolbar no-print" onSubmit={generate}>
                  <label class="field">
                    <span>{t('wd_group_size')}</span>
                    <input type="number" min={2} max={12} value={size} onInput={(e) => setSize(Number(e.currentTarget.value))} />
                  </label>
                  <label class="check">
                    <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.currentTarget.checked)} />
                    <span>{t('wd_keep_pp')}</span>
                  </label>
                  <button type="submit" class="btn primary" disabled={busy}>
                    {t('wd_generate')}
                  </button>
                  {d.groups.length > 0 && (
                    <button type="button" class="btn secondary" onClick={() => window.print()}>
                      {t('wd_print')}
                    </button>
                  )}
                </form>
              )}
              {error && (
                <p class="notice error" role="alert">
                  {error}
                </p>
              )}
              {d.groups.length ? (
                <div class="groups">
                  {d.groups.map((g) => (
                    <section key={g.number} class="card" aria-labelledby={`g-${g.number}`}>
                      <h2 id={`g-${g.number}`}>{t('wd_group', { n: g.number })}</h2>
                      <ul>
                        {g.students.map((s) => (
                          <li key={s.student_id}>
                            {s.display_name} <span class="muted small">{s.class_name}</span>
                          </li>
                        ))}
                      </ul>
                    </section>
                  ))}
                </div>
              ) : (
                <p>{t('wd_no_groups')}</p>
              )}
            </>
          );
        }}
      </Async>
    </>
  );
}
