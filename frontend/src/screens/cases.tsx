/** Case work: notifications, cases, one case (class staff work their classes' cases; leaders and resource persons own them). */
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from '../api/client';
import { full, text, texts, type Read, type Schemas } from '../api/types';
import { formatDate, formatDateTime, isOverdue, todayIso } from '../lib/dates';
import { dictionaries, getLang, t, tEnum, type Key } from '../lib/i18n';
import { hasRole, type User } from '../lib/session';
import { EnumSelect } from '../forms';
import { Async, Check, Chips, Field, Pager, ToggleChips, useLoad } from '../ui';

const PAGE_SIZE = 25;
const STATUSES = ['open', 'investigating', 'action_plan', 'monitoring', 'closed'] as const;
type Status = (typeof STATUSES)[number];
const ESTABLISHABLE = ['bullying', 'digital_bullying', 'exclusion', 'value_rule_breach'];
const NOTE_KINDS = ['students', 'class', 'parents', 'staff', 'other'] as const;
const OUTCOMES = ['stopped', 'decreased', 'continued'] as const;

type Incident = Read<'IncidentRead'>;
type AudienceItem = Incident['audiences'][number];
type ActionPlan = NonNullable<Incident['action_plan']>;
type Acute = Incident['acute_measures'][number];
type Referral = Incident['referrals'][number];
type MeasureIn = Schemas['PlanMeasureIn'];

function Problem({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p class="notice error" role="alert">
      {text}
    </p>
  );
}

/** Run an API write, turning failures into a message; 412 means someone else changed it meanwhile. */
async function attempt(call: () => Promise<{ error?: unknown; response: Response }>, setError: (e: string | null) => void): Promise<boolean> {
  setError(null);
  try {
    const { error, response } = await call();
    if (response.ok) return true;
    setError(response.status === 412 ? t('error_conflict') : errorMessage(error));
  } catch {
    setError(t('error_offline'));
  }
  return false;
}

function Deadline({ due, status, long }: { due: string | null; status: string | null; long?: boolean }) {
  if (!due) return null;
  const lang = getLang();
  const late = status === 'overdue' || (status !== 'met' && isOverdue(due));
  return (
    <span class={late ? 'overdue' : status === 'due_soon' ? 'due-soon' : 'small'}>
      {t('case_action_plan_due', { date: formatDate(due, lang, !!long) })}
      {late && ` – ${t('case_overdue')}`}
      {!late && status === 'due_soon' && ` – ${t('case_due_soon')}`}
      {status === 'met' && ` – ${t('case_deadline_met')}`}
    </span>
  );
}

/** A notification's sentence, worded here from its kind and parameters (the server builds no sentences). */
function notificationText(n: { kind: string; params: Record<string, unknown> }, lang: ReturnType<typeof getLang>): string {
  const p = n.params as Record<string, string | number | null | undefined>;
  const day = p.action_plan_due ?? p.follow_up_on;
  const key = `notif_k_${n.kind}` as Key;
  if (!(key in dictionaries.da)) return n.kind;
  return t(key, {
    classification: tEnum('c', p.classification ? String(p.classification) : null),
    date: day ? formatDate(String(day), lang, false) : '',
    endpoint: p.endpoint_id ?? '',
    job: p.job ?? '',
  });
}

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
                      <span>{notificationText(n, lang)}</span>
                      <span class="muted small">{formatDateTime(n.created_at, lang)}</span>
                      {n.incident_id && (
                        <a
                          href={`#/cases/${n.incident_id}`}
                          onClick={() => {
                            if (!n.read_at)
                              void api.POST('/api/v1/notifications/{notification_id}/read', { params: { path: { notification_id: n.id } } });
                          }}
                        >
                          {t('notif_open_case')}
                        </a>
                      )}
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
  const [status, setStatus] = useState<Status | ''>('');
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
            ...(overdue ? { deadline: 'overdue' as const } : {}),
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
        <EnumSelect<Status | ''>
          label={t('cases_filter_status')}
          prefix="s"
          options={STATUSES}
          empty={t('cases_all')}
          value={status}
          onChange={(s) => {
            setStatus(s);
            setPage(1);
          }}
        />
        <Check
          label={t('cases_overdue')}
          checked={overdue}
          onChange={(checked) => {
            setOverdue(checked);
            setPage(1);
          }}
        />
      </div>
      <Async state={state}>
        {(raw) => {
          const data = full(raw);
          if (!data.items.length) return <p>{t('cases_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((c) => (
                  <li key={c.id} class="card">
                    <div class="row-main">
                      <a href={`#/cases/${c.id}`}>
                        {tEnum('c', c.classification)} – {c.students.map((s) => s.display_name).join(', ')}
                      </a>
                      <span class="muted small">
                        {formatDateTime(c.occurred_at, lang)} · {t('case_title', { id: c.id })} · {c.reporter.name}
                      </span>
                      {c.status !== 'closed' && <Deadline due={c.action_plan_due} status={c.deadline_status} />}
                    </div>
                    <span class="pill">{tEnum('s', c.status)}</span>
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

function AudienceCard({ incidentId, item, onSaved }: { incidentId: number; item: AudienceItem; onSaved: () => void }) {
  const [actions, setActions] = useState<string[]>(texts(item.actions));
  const [how, setHow] = useState(item.how ?? '');
  const [done, setDone] = useState(item.done === true);
  const [error, setError] = useState<string | null>(null);
  const lang = getLang();
  const id = `aud-${item.id}`;
  async function save(e: Event) {
    e.preventDefault();
    const ok = await attempt(
      () =>
        api.PATCH('/api/v1/incidents/{incident_id}/audiences/{item_id}', {
          params: { path: { incident_id: incidentId, item_id: item.id }, header: { 'If-Match': text(item.etag) } },
          body: { actions, how: how.trim() || null, done },
        }),
      setError,
    );
    if (ok) onSaved();
  }
  return (
    <li class="card">
      <form class="stack row-main" onSubmit={save} aria-labelledby={id}>
        <h3 id={id}>
          {done ? '✓ ' : ''}
          {tEnum('aud', item.audience)}
        </h3>
        {item.done === true && item.done_at && (
          <span class="muted small">{t('aud_done_by', { date: formatDateTime(item.done_at, lang), name: item.done_by?.name ?? '' })}</span>
        )}
        <ToggleChips groupLabelledBy={id} options={texts(item.suggested_actions)} text={(a) => tEnum('act', a)} value={actions} onChange={setActions} />
        <Field label={t('case_how')}>
          <textarea rows={2} maxLength={2000} value={how} onInput={(e) => setHow(e.currentTarget.value)} />
        </Field>
        <Check label={t('case_done')} checked={done} onChange={setDone} />
        <Problem text={error} />
        <button type="submit" class="btn secondary">
          {t('save')}
        </button>
      </form>
    </li>
  );
}

function PlanEditor({ incidentId, plan, onSaved }: { incidentId: number; plan: ActionPlan | null; onSaved: () => void }) {
  const [measures, setMeasures] = useState<MeasureIn[]>(
    plan?.measures.length
      ? plan.measures.map((m) => ({ description: m.description, due_on: m.due_on, responsible: m.responsible, responsible_user_id: m.responsible_user?.id ?? null }))
      : [{ description: '', due_on: null, responsible: null }],
  );
  const [followUpOn, setFollowUpOn] = useState(plan?.follow_up_on ?? '');
  const [students, setStudents] = useState(!!plan?.informed_students_at);
  const [parents, setParents] = useState(!!plan?.informed_parents_at);
  const [error, setError] = useState<string | null>(null);
  const now = new Date().toISOString();
  async function save(e: Event) {
    e.preventDefault();
    const ok = await attempt(
      () =>
        api.PUT('/api/v1/incidents/{incident_id}/action-plan', {
          params: { path: { incident_id: incidentId }, header: plan ? { 'If-Match': text(plan.etag) } : {} },
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
      setError,
    );
    if (ok) onSaved();
  }
  const update = (i: number, patch: Partial<MeasureIn>) => setMeasures(measures.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  return (
    <form class="stack" onSubmit={save}>
      {measures.map((m, i) => (
        <fieldset key={i} class="card">
          <legend>
            {t('case_measure_desc')} {i + 1}
          </legend>
          <Field class="row-main" label={t('case_measure_desc')}>
            <textarea rows={2} required={i === 0} value={m.description} onInput={(e) => update(i, { description: e.currentTarget.value })} />
          </Field>
          <Field label={t('case_measure_due')}>
            <input type="date" value={m.due_on ?? ''} onInput={(e) => update(i, { due_on: e.currentTarget.value || null })} />
          </Field>
        </fieldset>
      ))}
      <button type="button" class="btn secondary" onClick={() => setMeasures([...measures, { description: '', due_on: null, responsible: null }])}>
        {t('case_measure_add')}
      </button>
      <Field label={t('case_follow_up_on')}>
        <input type="date" required value={followUpOn} min={todayIso()} onInput={(e) => setFollowUpOn(e.currentTarget.value)} />
      </Field>
      <Check label={t('case_informed_students')} checked={students} onChange={setStudents} />
      <Check label={t('case_informed_parents')} checked={parents} onChange={setParents} />
      <Problem text={error} />
      <button type="submit" class="btn primary">
        {t('case_plan_save')}
      </button>
    </form>
  );
}

function FollowUpForm({ incidentId, onSaved }: { incidentId: number; onSaved: () => void }) {
  const [heldOn, setHeldOn] = useState(todayIso());
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number] | null>(null);
  const [summary, setSummary] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function save(e: Event) {
    e.preventDefault();
    if (!outcome) return;
    const ok = await attempt(
      () =>
        api.POST('/api/v1/incidents/{incident_id}/follow-ups', {
          params: { path: { incident_id: incidentId } },
          headers: { 'Idempotency-Key': crypto.randomUUID() },
          body: { held_on: heldOn, outcome, ...(summary.trim() ? { summary: summary.trim() } : {}), ...(next ? { next_follow_up_on: next } : {}) },
        }),
      setError,
    );
    if (ok) {
      setOutcome(null);
      setSummary('');
      onSaved();
    }
  }
  return (
    <form class="stack" onSubmit={save}>
      <Field label={t('case_held_on')}>
        <input type="date" required value={heldOn} onInput={(e) => setHeldOn(e.currentTarget.value)} />
      </Field>
      <Chips legend={t('case_outcome')} options={OUTCOMES} text={(o) => tEnum('out', o)} isOn={(o) => outcome === o} onPick={setOutcome} />
      <Field label={t('case_summary')}>
        <textarea rows={2} value={summary} onInput={(e) => setSummary(e.currentTarget.value)} />
      </Field>
      <Field label={t('case_next_follow_up')}>
        <input type="date" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
      </Field>
      <Problem text={error} />
      <button type="submit" class="btn primary" disabled={!outcome}>
        {t('case_followup_add')}
      </button>
    </form>
  );
}

function Notes({ incidentId, onAdded }: { incidentId: number; onAdded: () => void }) {
  const state = useLoad(
    () => api.GET('/api/v1/incidents/{incident_id}/notes', { params: { path: { incident_id: incidentId }, query: { page_size: 50 } } }),
    [incidentId],
  );
  const [kind, setKind] = useState<(typeof NOTE_KINDS)[number]>('students');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const lang = getLang();
  async function add(e: Event) {
    e.preventDefault();
    const ok = await attempt(
      () =>
        api.POST('/api/v1/incidents/{incident_id}/notes', {
          params: { path: { incident_id: incidentId } },
          headers: { 'Idempotency-Key': crypto.randomUUID() },
          body: { kind, body: body.trim() },
        }),
      setError,
    );
    if (ok) {
      setBody('');
      state.reload();
      onAdded();
    }
  }
  return (
    <>
      <Async state={state}>
        {(raw) => (
          <ul class="list">
            {full(raw).items.map((n) => (
              <li key={n.id} class="card">
                <div class="row-main">
                  <span class="muted small">
                    {tEnum('nk', n.kind)} · {formatDateTime(n.occurred_at, lang)} · {n.author.name}
                  </span>
                  <span>{n.body}</span>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Async>
      <form class="stack" onSubmit={add}>
        <EnumSelect label={t('case_note_kind')} prefix="nk" options={NOTE_KINDS} value={kind} onChange={setKind} />
        <Field label={t('case_note_body')}>
          <textarea rows={3} required maxLength={10000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        </Field>
        <Problem text={error} />
        <button type="submit" class="btn secondary">
          {t('case_note_add')}
        </button>
      </form>
    </>
  );
}

function AcuteMeasures({ incidentId, items, onSaved }: { incidentId: number; items: Acute[]; onSaved: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const lang = getLang();
  async function add(e: Event) {
    e.preventDefault();
    const ok = await attempt(
      () =>
        api.POST('/api/v1/incidents/{incident_id}/acute-measures', {
          params: { path: { incident_id: incidentId } },
          headers: { 'Idempotency-Key': crypto.randomUUID() },
          body: { description: text.trim() },
        }),
      setError,
    );
    if (ok) {
      setText('');
      onSaved();
    }
  }
  return (
    <>
      <ul class="list">
        {items.map((a) => (
          <li key={a.id} class="card">
            <div class="row-main">
              <span>{a.description}</span>
              <span class="muted small">
                {formatDateTime(a.taken_at, lang)} · {a.recorded_by.name}
              </span>
            </div>
          </li>
        ))}
      </ul>
      <form class="toolbar" onSubmit={add}>
        <Field label={t('case_acute_add')}>
          <input type="text" required maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="btn secondary">
          {t('add')}
        </button>
      </form>
      <Problem text={error} />
    </>
  );
}

const PARTNERS = ['school_psychologist', 'inclusion_consultant', 'ssp', 'interdisciplinary_forum', 'other'] as const;
type Partner = (typeof PARTNERS)[number];
const REFERRAL_STATUSES = ['planned', 'sent', 'accepted', 'completed', 'declined'] as const;
type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

function partnerLabel(r: Referral): string {
  const label = tEnum('partner', r.partner);
  return r.partner_name ? `${label}: ${r.partner_name}` : label;
}

/** One referral: where it stands, and (for its workers) a status change sent with the referral's own ETag. */
function ReferralCard({ incidentId, item, canEdit, onSaved }: { incidentId: number; item: Referral; canEdit: boolean; onSaved: () => void }) {
  const [status, setStatus] = useState<ReferralStatus>(item.status);
  const [error, setError] = useState<string | null>(null);
  const lang = getLang();
  const id = `ref-${item.id}`;
  async function save(e: Event) {
    e.preventDefault();
    const ok = await attempt(
      () =>
        api.PATCH('/api/v1/incidents/{incident_id}/referrals/{referral_id}', {
          params: { path: { incident_id: incidentId, referral_id: item.id }, header: { 'If-Match': text(item.etag) } },
          body: { status },
        }),
      setError,
    );
    if (ok) onSaved();
  }
  return (
    <li class="card">
      <div class="row-main">
        <strong id={id}>{partnerLabel(item)}</strong>
        <span class="muted small">
          {t('ref_referred_on')} {formatDate(item.referred_on, lang, false)} · {tEnum('rs', item.status)}
        </span>
        {item.note && <span>{item.note}</span>}
        {canEdit && (
          <form class="toolbar" onSubmit={save}>
            <EnumSelect
              label={t('ref_status_for', { partner: tEnum('partner', item.partner) })}
              prefix="rs"
              options={REFERRAL_STATUSES}
              value={status}
              onChange={setStatus}
            />
            <button type="submit" class="btn secondary" disabled={status === item.status} aria-describedby={id}>
              {t('ref_save_status')}
            </button>
          </form>
        )}
        <Problem text={error} />
      </div>
    </li>
  );
}

function ReferralForm({ incidentId, onSaved }: { incidentId: number; onSaved: () => void }) {
  const [partner, setPartner] = useState<Partner>('school_psychologist');
  const [name, setName] = useState('');
  const [status, setStatus] = useState<ReferralStatus>('planned');
  const [referredOn, setReferredOn] = useState(todayIso());
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function add(e: Event) {
    e.preventDefault();
    const ok = await attempt(
      () =>
        api.POST('/api/v1/incidents/{incident_id}/referrals', {
          params: { path: { incident_id: incidentId } },
          headers: { 'Idempotency-Key': crypto.randomUUID() },
          body: {
            partner,
            status,
            referred_on: referredOn,
            ...(name.trim() ? { partner_name: name.trim() } : {}),
            ...(note.trim() ? { note: note.trim() } : {}),
          },
        }),
      setError,
    );
    if (ok) {
      setName('');
      setNote('');
      onSaved();
    }
  }
  return (
    <details class="more">
      <summary>{t('ref_new')}</summary>
      <form class="stack" onSubmit={add}>
        <EnumSelect label={t('ref_partner')} prefix="partner" options={PARTNERS} value={partner} onChange={setPartner} />
        <Field label={t('ref_partner_name')}>
          <input type="text" maxLength={200} required={partner === 'other'} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <EnumSelect label={t('ref_status')} prefix="rs" options={REFERRAL_STATUSES} value={status} onChange={setStatus} />
        <Field label={t('ref_referred_on')}>
          <input type="date" required value={referredOn} onInput={(e) => setReferredOn(e.currentTarget.value)} />
        </Field>
        <Field label={t('ref_note')}>
          <textarea rows={2} maxLength={5000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </Field>
        <Problem text={error} />
        <button type="submit" class="btn primary">
          {t('ref_add')}
        </button>
      </form>
    </details>
  );
}

/** The pupil's own account; saved on the incident with the case's ETag, so two adults never overwrite each other. */
function PupilPerspective({ incidentId, value, etag, canEdit, onSaved }: { incidentId: number; value: string; etag: string | null; canEdit: boolean; onSaved: () => void }) {
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  // Follow the case as it reloads (new ETag, saved text) without losing the "saved" notice.
  useEffect(() => setDraft(value), [value]);
  if (!canEdit) return <p>{value || t('case_pupil_perspective_none')}</p>;
  async function save(e: Event) {
    e.preventDefault();
    setSaved(false);
    if (!etag) return setError(t('error_conflict'));
    const ok = await attempt(
      () =>
        api.PATCH('/api/v1/incidents/{incident_id}', {
          params: { path: { incident_id: incidentId }, header: { 'If-Match': etag } },
          body: { pupil_perspective: draft.trim() || null },
        }),
      setError,
    );
    if (ok) {
      setSaved(true);
      onSaved();
    }
  }
  return (
    <form class="stack" onSubmit={save}>
      <Field label={t('case_pupil_perspective_help')}>
        <textarea rows={4} maxLength={10000} value={draft} onInput={(e) => { setDraft(e.currentTarget.value); setSaved(false); }} />
      </Field>
      <Problem text={error} />
      {saved && (
        <p class="notice ok" role="status">
          {t('saved')}
        </p>
      )}
      <button type="submit" class="btn secondary" disabled={draft.trim() === value.trim()}>
        {t('case_pupil_perspective_save')}
      </button>
    </form>
  );
}

const TIMELINE_PAGE = 20;

function eventDetail(kind: string, d: Record<string, unknown> | null): string {
  if (!d) return '';
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (kind) {
    case 'status_changed':
      return `${tEnum('s', s(d.old))} → ${tEnum('s', s(d.new))}`;
    case 'classification_changed':
      return `${tEnum('c', s(d.old))} → ${tEnum('c', s(d.new))}`;
    case 'created':
    case 'established':
      return tEnum('c', s(d.classification));
    case 'audience_updated':
      return tEnum('aud', s(d.audience)) + (d.done === true ? ` ✓` : '');
    case 'follow_up_recorded':
      return tEnum('out', s(d.outcome));
    case 'referral_added':
      return `${tEnum('partner', s(d.partner))} · ${tEnum('rs', s(d.status))}`;
    case 'referral_updated':
      return `${tEnum('rs', s(d.old))} → ${tEnum('rs', s(d.new))}`;
    case 'note_added':
      return tEnum('nk', s(d.kind));
    default:
      return '';
  }
}

/** The case's append-only history, newest first; reloaded whenever the case changes (its ETag). */
function Timeline({ incidentId, version }: { incidentId: number; version: string | null }) {
  const [page, setPage] = useState(1);
  const state = useLoad(
    () =>
      api.GET('/api/v1/incidents/{incident_id}/timeline', {
        params: { path: { incident_id: incidentId }, query: { order: 'desc', page, page_size: TIMELINE_PAGE } },
      }),
    [incidentId, page, version],
  );
  const lang = getLang();
  return (
    <Async state={state}>
      {(raw) => {
        const data = full(raw);
        if (!data.items.length) return <p>{t('timeline_none')}</p>;
        return (
          <>
            <p class="muted small">{t('timeline_newest_first')}</p>
            <ol class="timeline">
              {data.items.map((e) => {
                const detail = eventDetail(e.kind, e.detail);
                return (
                  <li key={e.id}>
                    <span class="muted small">
                      {formatDateTime(e.at, lang)}
                      {e.actor ? ` · ${e.actor.name}` : ''}
                    </span>
                    <div>
                      <strong>{tEnum('ev', e.kind)}</strong>
                      {detail && `: ${detail}`}
                    </div>
                  </li>
                );
              })}
            </ol>
            <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
          </>
        );
      }}
    </Async>
  );
}

export function CaseDetail({ id, user }: { id: string; user: User }) {
  const incidentId = Number(id);
  const state = useLoad(() => api.GET('/api/v1/incidents/{incident_id}', { params: { path: { incident_id: incidentId } } }), [incidentId]);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const lang = getLang();
  // Case owners (leaders, resource persons who work the case) establish bullying and own the plan, follow-ups and
  // referrals. The API exposes no per-case flag for these, so this mirrors its rule: owner role and the full view.
  const ownerRole = hasRole(user, 'leader', 'resource_person');
  // Not every write changes the case's own ETag (a referral has its own), so the timeline follows this counter too.
  const [revision, setRevision] = useState(0);
  const refresh = () => {
    setRevision((n) => n + 1);
    state.reload();
  };

  async function changeStatus(c: Incident, status: Status) {
    const current = await api.GET('/api/v1/incidents/{incident_id}', { params: { path: { incident_id: c.id } } });
    const etag = current.response.headers.get('ETag');
    if (!etag) return setError(errorMessage(current.error));
    if (
      await attempt(
        () =>
          api.PATCH('/api/v1/incidents/{incident_id}', {
            params: { path: { incident_id: c.id }, header: { 'If-Match': etag } },
            body: { status },
          }),
        setError,
      )
    )
      refresh();
  }

  async function establish(c: Incident) {
    if (
      await attempt(
        () =>
          api.POST('/api/v1/incidents/{incident_id}/establish', {
            params: { path: { incident_id: c.id } },
            headers: { 'Idempotency-Key': crypto.randomUUID() },
            body: {},
          }),
        setError,
      )
    ) {
      setMessage(t('case_establish_done'));
      refresh();
    }
  }

  return (
    <>
      <p class="no-print">
        <a class="back" href="#/cases">← {t('nav_cases')}</a>
      </p>
      <Async state={state}>
        {(raw) => {
          const c: Incident = full(raw);
          const plan = c.action_plan;
          const fullView = c.view === 'full';
          const owner = ownerRole && fullView;
          // The API lists the statuses this user may move this case to now (class staff working it too; a reporter none).
          const transitions = c.allowed_transitions;
          const canEstablish = owner && !c.established_at && ESTABLISHABLE.includes(c.classification) && c.status !== 'closed';
          return (
            <>
              <h1>
                {t('case_title', { id: c.id })}: {tEnum('c', c.classification)}
              </h1>
              <p>
                <span class="pill">{tEnum('s', c.status)}</span>
              </p>
              {!fullView && <p class="notice">{t('case_reporter_view')}</p>}
              {message && (
                <p class="notice ok" role="status">
                  {message}
                </p>
              )}
              <Problem text={error} />
              <dl class="kv">
                <dt>{t('case_occurred')}</dt>
                <dd>{formatDateTime(c.occurred_at, lang)}</dd>
                {c.place && (
                  <>
                    <dt>{t('case_place')}</dt>
                    <dd>{tEnum('place', c.place)}</dd>
                  </>
                )}
                <dt>{t('case_reported_by', { name: '' }).trim()}</dt>
                <dd>{c.reporter.name}</dd>
                {c.knowledge_source && (
                  <>
                    <dt>{t('ql_how_known')}</dt>
                    <dd>{tEnum('k', c.knowledge_source)}</dd>
                  </>
                )}
                {c.established_at && (
                  <>
                    <dt>{t('case_established_on')}</dt>
                    <dd>
                      {formatDate(c.established_at, lang)}
                      {c.established_by ? ` · ${c.established_by.name}` : ''}
                    </dd>
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
                      <a href={`#/students/${s.student_id}`}>{text(s.display_name)}</a>
                      <span class="muted small">
                        {tEnum('r', s.role)}
                        {s.class_name ? ` · ${text(s.class_name)}` : ''}
                      </span>
                    </div>
                  </li>
                ))}
              </ul>

              {(transitions.length > 0 || canEstablish) && (
                <div class="chips-row no-print" role="group" aria-label={t('case_status_change')}>
                  {transitions.map((s) => (
                    <button key={s} type="button" class="btn secondary" onClick={() => changeStatus(c, s)}>
                      {t('case_change_status_to', { s: tEnum('s', s) })}
                    </button>
                  ))}
                  {canEstablish && (
                    <button type="button" class="btn danger" onClick={() => establish(c)}>
                      {t('case_establish')}
                    </button>
                  )}
                </div>
              )}

              {fullView && c.established_at && (
                <>
                  <h2>{t('case_action_plan')}</h2>
                  <p>
                    <Deadline due={c.action_plan_due} status={c.deadline_status} long />
                  </p>
                  {plan?.adopted_at && <p class="muted">{t('case_plan_adopted', { date: formatDate(plan.adopted_at, lang) })}</p>}
                  {owner ? (
                    <PlanEditor key={plan ? text(plan.etag) : 'new'} incidentId={c.id} plan={plan} onSaved={refresh} />
                  ) : plan ? (
                    <ul>
                      {plan.measures.map((m, i) => (
                        <li key={i}>{m.description}</li>
                      ))}
                    </ul>
                  ) : (
                    <p>{t('case_no_plan')}</p>
                  )}

                  <h2>{t('case_acute')}</h2>
                  <AcuteMeasures incidentId={c.id} items={c.acute_measures} onSaved={refresh} />

                  <h2>{t('case_audiences')}</h2>
                  <ul class="list">
                    {c.audiences.map((a) => (
                      <AudienceCard key={text(a.etag)} incidentId={c.id} item={a} onSaved={refresh} />
                    ))}
                  </ul>

                  <h2>{t('case_followups')}</h2>
                  <ul class="list">
                    {c.follow_ups.map((f) => (
                      <li key={f.id} class="card">
                        <div class="row-main">
                          <strong>{tEnum('out', f.outcome)}</strong>
                          <span class="muted small">
                            {formatDate(f.held_on, lang, false)} · {f.recorded_by.name}
                          </span>
                          {f.summary && <span>{f.summary}</span>}
                        </div>
                      </li>
                    ))}
                  </ul>
                  {owner && <FollowUpForm incidentId={c.id} onSaved={refresh} />}
                </>
              )}

              {fullView && (
                <>
                  <h2>{t('case_pupil_perspective')}</h2>
                  <PupilPerspective
                    incidentId={c.id}
                    value={text(c.pupil_perspective)}
                    etag={state.etag}
                    canEdit={fullView}
                    onSaved={refresh}
                  />

                  <h2>{t('case_referrals')}</h2>
                  {c.referrals.length ? (
                    <ul class="list">
                      {c.referrals.map((r) => (
                        <ReferralCard key={text(r.etag)} incidentId={c.id} item={r} canEdit={owner} onSaved={refresh} />
                      ))}
                    </ul>
                  ) : (
                    <p>{t('referrals_none')}</p>
                  )}
                  {owner && <ReferralForm incidentId={c.id} onSaved={refresh} />}
                </>
              )}

              <h2>{t('case_notes')}</h2>
              <Notes incidentId={c.id} onAdded={() => setRevision((n) => n + 1)} />

              <h2>{t('case_timeline')}</h2>
              <Timeline incidentId={c.id} version={`${revision}:${state.etag ?? ''}`} />
            </>
          );
        }}
      </Async>
    </>
  );
}
