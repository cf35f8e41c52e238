/**
 * One play-partner arrangement: its students, recesses, weekdays, period, responsible adult, purpose and status, the
 * warnings about it, and its check-ins. Every control is there because the API lists it for this reader
 * (`allowed_actions`): record a check-in, change it, pause, resume or end it (ending asks first).
 */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import type { Schemas } from '../../api/types';
import { formatDate } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { Async, ProblemNotice, useConfirm, useLoad } from '../../ui';
import { EditArrangement } from './arrangement-edit';
import { CheckInForm, CheckInList } from './check-ins';
import { weekdayName, type Arrangement } from './plan';

type Action = Arrangement['allowed_actions'][number];

const names = (a: Arrangement) => a.students.map((s) => s.display_name).join(' + ');

function Facts({ a }: { a: Arrangement }) {
  const lang = getLang();
  return (
    <dl class="kv">
      <dt>{t('pp_d_status')}</dt>
      <dd>{tEnum('pa', a.status)}</dd>
      <dt>{t('pp_d_students')}</dt>
      <dd>{a.students.map((s) => (s.class_name ? `${s.display_name} (${s.class_name})` : s.display_name)).join(', ')}</dd>
      <dt>{t('pl_pp_recesses')}</dt>
      <dd>{a.recesses.map((r) => tEnum('recess', r)).join(', ')}</dd>
      <dt>{t('pl_pp_weekdays')}</dt>
      <dd>{a.weekdays.map(weekdayName).join(', ')}</dd>
      <dt>{t('pp_d_period')}</dt>
      <dd>{t('pl_pp_period', { start: formatDate(a.start_date, lang), end: formatDate(a.end_date, lang) })}</dd>
      <dt>{t('pl_pp_responsible')}</dt>
      <dd>{a.responsible.name}</dd>
      <dt>{t('pp_d_purpose')}</dt>
      <dd>{a.purpose || t('pp_d_no_purpose')}</dd>
      <dt>{t('pp_d_created_by')}</dt>
      <dd>{a.created_by.name}</dd>
    </dl>
  );
}

function Warnings({ a }: { a: Arrangement }) {
  return (
    <>
      {a.case_conflict && (
        <p class="notice error" role="alert">
          {t('pp_d_case_conflict')}
        </p>
      )}
      {a.overlaps.length > 0 && (
        <div class="notice">
          <p>{t('pp_d_overlaps')}</p>
          <ul>
            {a.overlaps.map((other) => (
              <li key={other}>
                <a href={`#/play-partners/${other}`}>{t('pp_d_other', { id: other })}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** Pause, resume and end, as the API lists them; ending asks first. Sent with the ETag of the version shown. */
function StatusActions({ a, actions, reading, onChanged }: { a: Arrangement; actions: Set<Action>; reading: boolean; onChanged: (text: string) => void }) {
  const writer = useWriter();
  const [confirm, dialog] = useConfirm();
  const offered = (['pause', 'resume', 'end'] as const).filter((x) => actions.has(x));
  if (!offered.length) return null;
  const target: Record<(typeof offered)[number], Schemas['ArrangementStatus']> = { pause: 'paused', resume: 'active', end: 'ended' };
  const done = { pause: 'pp_paused_done', resume: 'pp_resumed_done', end: 'pp_ended_done' } as const;
  const label = { pause: 'pp_pause', resume: 'pp_resume', end: 'pp_end' } as const;

  async function take(action: (typeof offered)[number]) {
    if (action === 'end' && !(await confirm({ title: t('pp_end_title'), body: t('pp_end_body', { names: names(a) }), action: t('pp_end') }))) return;
    const r = await writer.run(() =>
      api.PATCH('/api/v1/play-partner-arrangements/{arrangement_id}', {
        params: { path: { arrangement_id: a.id }, header: { 'If-Match': a.etag } },
        body: { status: target[action] },
      }),
    );
    if (r?.ok) onChanged(t(done[action]));
  }

  return (
    <>
      {dialog}
      <div class="chips-row" role="group" aria-label={t('pp_d_status_actions')}>
        {offered.map((x) => (
          <button key={x} type="button" class={x === 'end' ? 'btn danger' : 'btn secondary'} disabled={writer.busy || reading} onClick={() => void take(x)}>
            {t(label[x])}
          </button>
        ))}
      </div>
      <ProblemNotice problem={writer.problem} />
    </>
  );
}

function ArrangementScreen({ arrangementId, user }: { arrangementId: number; user: User }) {
  const state = useLoad(
    () => api.GET('/api/v1/play-partner-arrangements/{arrangement_id}', { params: { path: { arrangement_id: arrangementId } } }),
    [arrangementId],
  );
  const [message, setMessage] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [checkingIn, setCheckingIn] = useState(false);
  const [checkedIn, setCheckedIn] = useState(false);
  // A new check-in reloads the list.
  const [revision, setRevision] = useState(0);
  const say = (text: string) => {
    setMessage(text);
    state.reload();
  };

  return (
    <>
      <p class="no-print">
        <a class="back" href="#/play-partners">
          ← {t('nav_playpartners')}
        </a>
      </p>
      <Async state={state}>
        {(a) => {
          const actions = new Set(a.allowed_actions);
          return (
            <>
              <h1>{names(a)}</h1>
              {message && (
                <p class="notice ok" role="status">
                  {message}
                </p>
              )}
              <Warnings a={a} />
              <Facts a={a} />
              <div class="stack pp-actions">
                {actions.has('edit') && !editing && (
                  <button type="button" class="btn secondary start" aria-expanded="false" onClick={() => (setMessage(null), setEditing(true))}>
                    {t('pp_edit')}
                  </button>
                )}
                {/* Off while the arrangement is read again: what it offers next comes with it. */}
                <StatusActions a={a} actions={actions} reading={state.loading} onChanged={say} />
              </div>
              {editing && actions.has('edit') && (
                <EditArrangement
                  a={a}
                  user={user}
                  onReload={state.reload}
                  onCancel={() => setEditing(false)}
                  onSaved={() => {
                    setEditing(false);
                    say(t('pp_edit_saved'));
                  }}
                />
              )}
              <section aria-labelledby="ci-h">
                <h2 id="ci-h">{t('pp_ci_title')}</h2>
                {checkedIn && (
                  <p class="notice ok" role="status">
                    {t('pp_ci_saved')}
                  </p>
                )}
                {actions.has('check_in') &&
                  (checkingIn ? (
                    <CheckInForm
                      a={a}
                      onCancel={() => setCheckingIn(false)}
                      onSaved={() => {
                        setCheckingIn(false);
                        setCheckedIn(true);
                        setRevision((n) => n + 1);
                      }}
                    />
                  ) : (
                    <button type="button" class="btn primary start" aria-expanded="false" onClick={() => (setCheckedIn(false), setCheckingIn(true))}>
                      {t('pp_ci_new')}
                    </button>
                  ))}
                <CheckInList arrangementId={a.id} revision={revision} />
              </section>
            </>
          );
        }}
      </Async>
    </>
  );
}

/** The screen at #/play-partners/:id; another arrangement (an overlap's link) starts it afresh. */
export function PlayPartnerArrangement({ id, user }: { id: string; user: User }) {
  return <ArrangementScreen key={id} arrangementId={Number(id)} user={user} />;
}
