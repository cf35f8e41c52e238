/** Case work for resource persons and leaders: notifications, cases, one case, the student log. */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { full } from '../api/types';
import { formatDate, formatDateTime, isOverdue } from '../lib/dates';
import { getLang, t, tEnum } from '../lib/i18n';
import type { User } from '../lib/session';
import { Async, Pager, useLoad } from '../ui';

const PAGE_SIZE = 25;
const STATUSES = ['open', 'investigating', 'action_plan', 'monitoring', 'closed'] as const;

export function Notifications(_: { user: User }) {
  const [page, setPage] = useState(1);
  const state = useLoad(() => api.GET('/api/v1/notifications', { params: { query: { page, page_size: PAGE_SIZE } } }), [page]);
  const lang = getLang();
  return (
    <>
      <h1>{t('nav_notifications')}</h1>
      <Async state={state}>
        {(raw) => {
          const data = full(raw);
          if (!data.items.length) return <p>{t('notif_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((n) => (
                  <li key={n.id} class={n.read_at ? 'card' : 'card unread'}>
                    <div class="row-main">
                      {!n.read_at && <span class="pill">{t('notif_unread')}</span>}
                      <span>{n.message}</span>
                      <span class="muted small">{formatDateTime(n.created_at, lang)}</span>
                      {n.incident_id && <a href={`#/cases/${n.incident_id}`}>{t('notif_open_case')}</a>}
                    </div>
                    {!n.read_at && (
                      <button
                        type="button"
                        class="btn secondary"
                        onClick={async () => {
                          await api.POST('/api/v1/notifications/{notification_id}/read', {
                            params: { path: { notification_id: n.id } },
                          });
                          state.reload();
                        }}
                      >
                        {t('notif_mark_read')}
                      </button>
                    )}
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

export function CaseList(_: { user: User }) {
  const [status, setStatus] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const state = useLoad(
    () =>
      api.GET('/api/v1/incidents', {
        params: {
          query: {
            page,
            page_size: PAGE_SIZE,
            ...(status ? { status } : {}),
            ...(overdue ? { deadline: 'overdue' } : {}),
          },
        },
      }),
    [status, overdue, page],
  );
  const lang = getLang();
  return (
    <>
      <h1>{t('nav_cases')}</h1>
      <div class="toolbar">
        <label class="field">
          <span>{t('cases_filter_status')}</span>
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              setPage(1);
            }}
          >
            <option value="">{t('cases_all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {tEnum('s', s)}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={overdue}
            onChange={(e) => {
              setOverdue(e.currentTarget.checked);
              setPage(1);
            }}
          />
          <span>{t('cases_overdue')}</span>
        </label>
      </div>
      <Async state={state}>
        {(raw) => {
          const data = full(raw);
          if (!data.items.length) return <p>{t('cases_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((c) => {
                  const late = c.status !== 'closed' && isOverdue(c.action_plan_due);
                  return (
                    <li key={c.id} class="card">
                      <div class="row-main">
                        <a href={`#/cases/${c.id}`}>
                          {tEnum('c', c.classification)} – {c.students.map((s) => s.display_name).join(', ')}
                        </a>
                        <span class="muted small">
                          {formatDateTime(c.occurred_at, lang)} · {t('case_title', { id: c.id })}
                        </span>
                        {c.action_plan_due && (
                          <span class={late ? 'overdue' : 'small'}>
                            {t('case_action_plan_due', { date: formatDate(c.action_plan_due, lang, false) })}
                            {late && ` – ${t('case_overdue')}`}
                          </span>
                        )}
                      </div>
                      <span class="pill">{tEnum('s', c.status)}</span>
                    </li>
                  );
                })}
              </ul>
              <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
            </>
          );
        }}
      </Async>
    </>
  );
}

export function CaseDetail({ id }: { id: string; user: User }) {
  const incidentId = Number(id);
  const state = useLoad(() => api.GET('/api/v1/incidents/{incident_id}', { params: { path: { incident_id: incidentId } } }), [incidentId]);
  const lang = getLang();
  return (
    <>
      <p class="no-print">
        <a href="#/cases">← {t('nav_cases')}</a>
      </p>
      <Async state={state}>
        {(raw) => {
          const c = full(raw);
          const late = c.status !== 'closed' && isOverdue(c.action_plan_due);
          return (
            <>
              <h1>
                {t('case_title', { id: c.id })}: {tEnum('c', c.classification)}
              </h1>
              <p>
                <span class="pill">{tEnum('s', c.status)}</span>
              </p>
              <dl class="kv">
                <dt>{t('case_occurred')}</dt>
                <dd>{formatDateTime(c.occurred_at, lang)}</dd>
                {c.place && (
                  <>
                    <dt>{t('case_place')}</dt>
                    <dd>{c.place}</dd>
                  </>
                )}
                <dt>{t('case_reported_by', { name: '' }).trim()}</dt>
                <dd>{c.reporter.name}</dd>
                {c.established_at && (
                  <>
                    <dt>{t('case_establish')}</dt>
                    <dd>{formatDate(c.established_at, lang)}</dd>
                  </>
                )}
              </dl>
              {c.description && (
                <>
                  <h2>{t('case_description')}</h2>
                  <p>{c.description}</p>
                </>
              )}
              <h2>{t('case_students')}</h2>
              <ul class="list">
                {c.students.map((s) => (
                  <li key={s.student_id} class="card">
                    <div class="row-main">
                      <a href={`#/students/${s.student_id}/log`}>{s.display_name}</a>
                      <span class="muted small">{tEnum('r', s.role)}</span>
                    </div>
                  </li>
                ))}
              </ul>
              <h2>{t('case_action_plan')}</h2>
              {c.action_plan_due ? (
                <p class={late ? 'overdue' : ''}>
                  {t('case_action_plan_due', { date: formatDate(c.action_plan_due, lang) })}
                  {late && ` – ${t('case_overdue')}`}
                </p>
              ) : (
                <p>{t('case_no_plan')}</p>
              )}
            </>
          );
        }}
      </Async>
    </>
  );
}

export function StudentLog({ id }: { id: string; user: User }) {
  const studentId = Number(id);
  const [page, setPage] = useState(1);
  const state = useLoad(
    () => api.GET('/api/v1/students/{student_id}/log', { params: { path: { student_id: studentId }, query: { page, page_size: PAGE_SIZE } } }),
    [studentId, page],
  );
  const lang = getLang();
  return (
    <>
      <h1>{t('student_log')}</h1>
      <Async state={state}>
        {(raw) => {
          const data = full(raw);
          if (!data.items.length) return <p>{t('student_log_none')}</p>;
          return (
            <>
              <ol class="timeline">
                {data.items.map((e, i) => (
                  <li key={i}>
                    <span class="muted small">
                      {formatDateTime(e.occurred_at, lang)}
                      {e.author_name ? ` · ${e.author_name}` : ''}
                    </span>
                    <div>
                      {e.ref_type === 'incident' ? <a href={`#/cases/${e.ref_id}`}>{e.summary}</a> : e.summary}
                    </div>
                  </li>
                ))}
              </ol>
              <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
            </>
          );
        }}
      </Async>
    </>
  );
}
