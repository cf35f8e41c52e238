/** Students: find one by name (two letters), then the student log and, where the API allows, the guardians. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, problemOf } from '../api/client';
import type { Read } from '../api/types';
import { formatDate, formatDateTime } from '../lib/dates';
import { getLang, t, tEnum } from '../lib/i18n';
import { logLine } from '../lib/logtext';
import { useStudentSearch } from '../lib/student-search';
import type { User } from '../lib/session';
import { Async, Field, useLoad } from '../ui';

type Student = Read<'StudentRead'>;
type LogEntry = Read<'LogEntryRead'>;
type Guardian = Read<'GuardianRead'>;

function classLine(s: Student): string {
  return s.class_name ? t('student_class', { name: s.class_name }) : t('student_no_class');
}

export function StudentSearch(_: { user: User }) {
  const [query, setQuery] = useState('');
  const { results, error } = useStudentSearch(query);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  return (
    <>
      <h1>{t('students_title')}</h1>
      <Field label={t('ql_search')}>
        <input
          ref={input}
          type="search"
          autoComplete="off"
          enterKeyHint="search"
          aria-describedby="student-search-hint"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </Field>
      <p id="student-search-hint" class="muted small">
        {t('students_hint')}
      </p>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {results !== null &&
        (results.length ? (
          <ul class="list" aria-live="polite">
            {results.map((s) => (
              <li key={s.id}>
                <a class="pick-link" href={`#/students/${s.id}`}>
                  <span>{s.display_name}</span>
                  <span class="muted">{s.class_name ?? ''}</span>
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted" role="status">
            {t('ql_no_match')}
          </p>
        ))}
    </>
  );
}

/** The guardians section: shown only when the API serves it to this user (403 means not for them). */
function Guardians({ studentId }: { studentId: number }) {
  const [state, setState] = useState<{ items: Guardian[] } | 'forbidden' | 'loading' | { error: string }>('loading');
  useEffect(() => {
    let alive = true;
    api
      .GET('/api/v1/students/{student_id}/guardians', { params: { path: { student_id: studentId }, query: { page_size: 100 } } })
      .then(({ data, error, response }) => {
        if (!alive) return;
        if (data) setState({ items: data.items });
        else if (response.status === 403) setState('forbidden');
        else setState({ error: problemOf(response.status, error).message });
      })
      .catch(() => alive && setState({ error: t('error_offline') }));
    return () => {
      alive = false;
    };
  }, [studentId]);
  if (state === 'forbidden' || state === 'loading') return null;
  return (
    <section aria-labelledby="guardians-h">
      <h2 id="guardians-h">{t('student_guardians')}</h2>
      {'error' in state ? (
        <p class="notice error" role="alert">
          {state.error}
        </p>
      ) : state.items.length ? (
        <ul class="list">
          {state.items.map((g) => (
            <li key={g.id} class="card">
              <div class="row-main">
                <strong>{g.name}</strong>
                <span class="muted small">
                  {tEnum('rel', g.relation)}
                  {g.has_custody ? ` · ${t('guardian_custody')}` : ''}
                </span>
              </div>
              {(g.phone || g.email) && (
                <div class="chips-row">
                  {g.phone && (
                    <a class="btn secondary" href={`tel:${g.phone.replace(/\s+/g, '')}`}>
                      <span class="sr-only">{t('guardian_call', { name: g.name })}: </span>
                      {g.phone}
                    </a>
                  )}
                  {g.email && (
                    <a class="btn secondary" href={`mailto:${g.email}`}>
                      <span class="sr-only">{t('guardian_mail', { name: g.name })}: </span>
                      {t('email')}
                    </a>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('guardians_none')}</p>
      )}
    </section>
  );
}

const LOG_PAGE = 25;

type Cursor = { before: string; before_key: string };

/** The log, newest first; "show more" appends the next page by the API's keyset cursor. */
function StudentLogSection({ studentId }: { studentId: number }) {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [next, setNext] = useState<Cursor | null>(null);
  const [scope, setScope] = useState<'full' | 'own_entries' | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  const lang = getLang();

  async function load(cursor: Cursor | null) {
    setLoading(true);
    setError(null);
    try {
      const { data, error: err, response } = await api.GET('/api/v1/students/{student_id}/log', {
        params: { path: { student_id: studentId }, query: { limit: LOG_PAGE, ...(cursor ?? {}) } },
      });
      if (!alive.current) return;
      if (data) {
        const page = data;
        setEntries((prev) => (cursor ? [...prev, ...page.items] : page.items));
        setScope(page.scope);
        setNext(page.has_more && page.next_before && page.next_before_key ? { before: page.next_before, before_key: page.next_before_key } : null);
      } else setError(problemOf(response.status, err).message);
    } catch {
      if (alive.current) setError(t('error_offline'));
    }
    if (alive.current) setLoading(false);
  }

  useEffect(() => {
    alive.current = true;
    void load(null);
    return () => {
      alive.current = false;
    };
  }, [studentId]);

  return (
    <section aria-labelledby="log-h">
      <h2 id="log-h">{t('student_log')}</h2>
      {scope === 'own_entries' && (
        <p class="notice" role="note">
          {t('student_scope_own')}
        </p>
      )}
      {entries.length > 0 && (
        <ol class="timeline">
          {entries.map((e) => {
            const line = logLine(e);
            return (
              <li key={`${e.kind}-${e.ref_type}-${e.ref_id}-${e.occurred_at}`}>
                <span class="muted small">
                  {formatDateTime(e.occurred_at, lang)}
                  {e.author_name ? ` · ${e.author_name}` : ''}
                </span>
                <div>
                  <strong>{tEnum('lk', e.kind)}</strong>
                  {': '}
                  {/* A sentence in the reader's language; lang="en" only when it falls back to the API's English summary. */}
                  {e.ref_type === 'incident' ? (
                    <a href={`#/cases/${e.ref_id}`} lang={line.lang}>
                      {line.text}
                    </a>
                  ) : (
                    <span lang={line.lang}>{line.text}</span>
                  )}
                </div>
                {line.note !== undefined && (
                  <p class="log-note">
                    <span class="muted">{line.noteLabel}: </span>
                    {line.note}
                  </p>
                )}
                {line.noteHidden && <p class="log-note muted small">{line.noteHidden}</p>}
              </li>
            );
          })}
        </ol>
      )}
      {!loading && !error && scope !== null && entries.length === 0 && <p>{t('student_log_none')}</p>}
      {error && (
        <div class="notice error" role="alert">
          <p>{error}</p>
          <button type="button" class="btn secondary" onClick={() => void load(entries.length ? next : null)}>
            {t('reload')}
          </button>
        </div>
      )}
      {loading && <p aria-live="polite">{t('loading')}</p>}
      {!loading && next && (
        <button type="button" class="btn secondary" onClick={() => void load(next)}>
          {t('load_more')}
        </button>
      )}
    </section>
  );
}

/** The student's access export (GDPR art. 15), offered when the student's read says the reader may produce it. */
function AccessExport({ studentId }: { studentId: number }) {
  const base = `/api/v1/students/${studentId}/access-export?format=`;
  return (
    <section class="no-print" aria-labelledby="sa-h">
      <h2 id="sa-h">{t('sa_title')}</h2>
      <p class="toolbar">
        <a class="btn secondary" href={`${base}pdf`} download>
          {t('sa_pdf')}
        </a>
        <a class="btn ghost" href={`${base}json`} download>
          {t('sa_json')}
        </a>
      </p>
    </section>
  );
}

export function StudentPage({ id }: { id: string; user: User }) {
  const studentId = Number(id);
  const student = useLoad(() => api.GET('/api/v1/students/{student_id}', { params: { path: { student_id: studentId } } }), [studentId]);
  const lang = getLang();
  return (
    <>
      <p class="no-print">
        <a class="back" href="#/students">← {t('students_title')}</a>
      </p>
      <Async state={student}>
        {(s) => {
          return (
            <>
              <h1>{s.display_name}</h1>
              <p class="muted">
                {classLine(s)}
                {s.left_on ? ` · ${t('student_left', { date: formatDate(s.left_on, lang, false) })}` : ''}
              </p>
            </>
          );
        }}
      </Async>
      <StudentLogSection key={studentId} studentId={studentId} />
      <Guardians studentId={studentId} />
      {student.data?.allowed_actions.includes('export_access') && <AccessExport studentId={studentId} />}
    </>
  );
}
