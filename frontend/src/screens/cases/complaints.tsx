/** Complaints about the case: the municipality's decision (due in 20 working days), the complainant's answer,
 * forwarding to the national body, and the case file to download. The forms are shown when the API says so. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import type { Schemas } from '../../api/types';
import { formatDate, formatDateTime } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import { Field, ProblemNotice, useLoad } from '../../ui';
import type { Incident } from './shared';

type Complaint = Schemas['ComplaintRead'];
const PURPOSES = ['municipality', 'national_body', 'complainant_access', 'internal_review'] as const;
// Today in the browser's own time zone (an ISO day, as a date input takes it).
const today = () => new Date().toLocaleDateString('sv-SE');

function CaseFile({ complaint }: { complaint: Complaint }) {
  const [purpose, setPurpose] = useState<(typeof PURPOSES)[number]>('municipality');
  const base = `/api/v1/complaints/${complaint.id}/case-file?purpose=${purpose}`;
  return (
    <div class="toolbar">
      <Field label={t('cf_purpose')}>
        <select value={purpose} onChange={(e) => setPurpose(e.currentTarget.value as (typeof PURPOSES)[number])}>
          {PURPOSES.map((p) => (
            <option key={p} value={p}>
              {tEnum('cfp', p)}
            </option>
          ))}
        </select>
      </Field>
      <a class="btn secondary" href={`${base}&format=pdf`} download>
        {t('cf_pdf')}
      </a>
      <a class="btn ghost" href={`${base}&format=zip`} download>
        {t('cf_zip')}
      </a>
    </div>
  );
}

function Steps({ complaint, onSaved }: { complaint: Complaint; onSaved: () => void }) {
  const writer = useWriter();
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<'upheld' | 'partly_upheld' | 'rejected'>('rejected');
  const [day, setDay] = useState(today());
  const [satisfied, setSatisfied] = useState(false);
  // The national body, named here when the deployment has none configured (the API then requires it).
  const [body, setBody] = useState('');
  const id = complaint.id;
  const path = { params: { path: { complaint_id: id } } };
  async function send(kind: string) {
    const r = await writer.run((headers) => {
      if (kind === 'decided')
        return api.POST('/api/v1/complaints/{complaint_id}/decision', { ...path, headers, body: { decision_outcome: outcome, decision_text: text, decided_on: day } });
      if (kind === 'answered')
        return api.POST('/api/v1/complaints/{complaint_id}/answer', { ...path, headers, body: { answered_on: day, satisfied, complainant_answer: text || null } });
      if (kind === 'forwarded')
        return api.POST('/api/v1/complaints/{complaint_id}/forward', { ...path, headers, body: { forwarded_on: day, forwarded_to: complaint.national_body ? null : body } });
      return api.POST('/api/v1/complaints/{complaint_id}/close', { ...path, headers });
    });
    if (r?.ok) {
      setText('');
      onSaved();
    }
  }
  const next = complaint.allowed_steps.filter((s) => s !== 'closed')[0];
  return (
    <form class="stack" onSubmit={(e) => { e.preventDefault(); if (next) void send(next); }}>
      {next === 'decided' && (
        <>
          <Field label={t('cmp_decision')}>
            <select value={outcome} onChange={(e) => setOutcome(e.currentTarget.value as typeof outcome)}>
              {(['upheld', 'partly_upheld', 'rejected'] as const).map((o) => (
                <option key={o} value={o}>
                  {tEnum('cmpd', o)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('cmp_decision_text')} error={writer.problem?.fields.decision_text}>
            <textarea rows={3} required maxLength={MAX.DecisionCreate.decision_text} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </Field>
        </>
      )}
      {next === 'answered' && (
        <>
          <Field label={t('cmp_answer')}>
            <textarea rows={3} maxLength={MAX.AnswerCreate.complainant_answer} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </Field>
          <label class="check">
            <input type="checkbox" checked={satisfied} onChange={(e) => setSatisfied(e.currentTarget.checked)} />
            {t('cmp_satisfied')}
          </label>
        </>
      )}
      {next === 'forwarded' &&
        (complaint.national_body ? (
          <p class="small">{t('cmp_forward_to', { body: complaint.national_body })}</p>
        ) : (
          <Field label={t('cmp_forward_body')} error={writer.problem?.fields.forwarded_to}>
            <input type="text" required maxLength={MAX.ForwardCreate.forwarded_to} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          </Field>
        ))}
      {next && (
        <Field label={t('cmp_day')} error={writer.problem?.fields.decided_on ?? writer.problem?.fields.answered_on ?? writer.problem?.fields.forwarded_on}>
          <input type="date" required value={day} onInput={(e) => setDay(e.currentTarget.value)} />
        </Field>
      )}
      <div class="toolbar">
        {next && (
          <button type="submit" class="btn secondary" disabled={writer.busy}>
            {t(`cmp_step_${next}` as 'cmp_step_decided')}
          </button>
        )}
        {complaint.allowed_steps.includes('closed') && (
          <button type="button" class="btn ghost" disabled={writer.busy} onClick={() => void send('closed')}>
            {t('cmp_step_closed')}
          </button>
        )}
      </div>
      <ProblemNotice problem={writer.problem} shown={['decision_text', 'decided_on', 'answered_on', 'forwarded_on', 'forwarded_to']} />
    </form>
  );
}

function NewComplaint({ c, onSaved }: { c: Incident; onSaved: () => void }) {
  const writer = useWriter();
  const [studentId, setStudentId] = useState(String(c.students[0]?.id ?? ''));
  const [name, setName] = useState('');
  const [received, setReceived] = useState(today());
  const [text, setText] = useState('');
  async function save(e: Event) {
    e.preventDefault();
    const r = await writer.run((headers) =>
      api.POST('/api/v1/incidents/{incident_id}/complaints', {
        params: { path: { incident_id: c.id } },
        headers,
        body: { student_id: Number(studentId), complainant_kind: 'guardian', complainant_name: name, received_on: received, complaint_text: text },
      }),
    );
    if (r?.ok) {
      setName('');
      setText('');
      onSaved();
    }
  }
  return (
    <form class="stack" onSubmit={save}>
      <h3 class="sub">{t('cmp_new')}</h3>
      <Field label={t('cmp_about')}>
        <select value={studentId} onChange={(e) => setStudentId(e.currentTarget.value)}>
          {c.students.map((s) => (
            <option key={s.id} value={String(s.id)}>
              {s.display_name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('cmp_complainant')} error={writer.problem?.fields.complainant_name}>
        <input type="text" required maxLength={MAX.ComplaintCreate.complainant_name} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t('cmp_received')} error={writer.problem?.fields.received_on}>
        <input type="date" required value={received} onInput={(e) => setReceived(e.currentTarget.value)} />
      </Field>
      <Field label={t('cmp_text')} error={writer.problem?.fields.complaint_text}>
        <textarea rows={3} required maxLength={MAX.ComplaintCreate.complaint_text} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn secondary" disabled={writer.busy}>
        {t('cmp_record')}
      </button>
      <ProblemNotice problem={writer.problem} shown={['complainant_name', 'received_on', 'complaint_text']} />
    </form>
  );
}

/** The case's complaints; nothing at all for a user who does not handle complaints (the API answers 403). */
export function Complaints({ c }: { c: Incident }) {
  const state = useLoad(() => api.GET('/api/v1/incidents/{incident_id}/complaints', { params: { path: { incident_id: c.id } } }), [c.id]);
  const lang = getLang();
  if (!state.data) return state.loading ? <p aria-live="polite">{t('loading')}</p> : <p class="muted small">{t('cmp_not_yours')}</p>;
  const d = state.data;
  return (
    <>
      {d.items.length === 0 && <p class="small">{t('cmp_none')}</p>}
      {d.items.map((k) => (
        <article key={k.id} class="card">
          <h3 class="sub">
            {t('cmp_title', { name: k.complainant_name, date: formatDate(k.received_on, lang, false) })}
          </h3>
          <p>
            <span class="pill">{tEnum('cmps', k.status)}</span>{' '}
            <span class={k.decision_overdue ? 'overdue' : 'small'}>
              {t('cmp_due', { date: formatDate(k.decision_due, lang, false) })}
              {k.decision_overdue ? ` – ${t('case_overdue')}` : ''}
            </span>
          </p>
          <ol class="small">
            {k.events.map((e) => (
              <li key={e.id}>
                {tEnum('cmps', e.status)} · {formatDateTime(e.at, lang)}
              </li>
            ))}
          </ol>
          {k.forwarded_to && <p class="small">{t('cmp_forwarded_to', { body: k.forwarded_to })}</p>}
          <CaseFile complaint={k} />
          {d.can_create && k.allowed_steps.length > 0 && <Steps complaint={k} onSaved={state.reload} />}
        </article>
      ))}
      {d.can_create && <NewComplaint c={c} onSaved={state.reload} />}
    </>
  );
}
