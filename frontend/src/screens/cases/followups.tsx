/** Follow-up meetings: whether the bullying stopped, decreased or continued. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { FOLLOW_UP_OUTCOMES, type FollowUpOutcome } from '../../api/enums';
import { MAX } from '../../api/limits';
import { formatDate, todayIso } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import { Chips, Field, ProblemNotice } from '../../ui';
import type { Incident } from './shared';

function FollowUpForm({ incidentId, onSaved }: { incidentId: number; onSaved: () => void }) {
  const [heldOn, setHeldOn] = useState(todayIso());
  const [outcome, setOutcome] = useState<FollowUpOutcome | null>(null);
  const [summary, setSummary] = useState('');
  const [next, setNext] = useState('');
  // One key from opening the form until the follow-up is recorded: a lost answer and a second tap record it once.
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};
  async function save(e: Event) {
    e.preventDefault();
    if (!outcome) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/incidents/{incident_id}/follow-ups', {
        params: { path: { incident_id: incidentId } },
        headers,
        body: { held_on: heldOn, outcome, ...(summary.trim() ? { summary: summary.trim() } : {}), ...(next ? { next_follow_up_on: next } : {}) },
      }),
    );
    if (r?.ok) {
      setOutcome(null);
      setSummary('');
      onSaved();
    }
  }
  return (
    <form class="stack" onSubmit={save}>
      <Field label={t('case_held_on')} error={fields.held_on}>
        <input type="date" required value={heldOn} onInput={(e) => setHeldOn(e.currentTarget.value)} />
      </Field>
      <Chips legend={t('case_outcome')} options={FOLLOW_UP_OUTCOMES} text={(o) => tEnum('out', o)} isOn={(o) => outcome === o} onPick={setOutcome} />
      <Field label={t('case_summary')} error={fields.summary}>
        <textarea rows={2} maxLength={MAX.FollowUpCreate.summary} value={summary} onInput={(e) => setSummary(e.currentTarget.value)} />
      </Field>
      <Field label={t('case_next_follow_up')} error={fields.next_follow_up_on}>
        <input type="date" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
      </Field>
      <ProblemNotice problem={writer.problem} shown={['held_on', 'summary', 'next_follow_up_on']} />
      <button type="submit" class="btn primary" disabled={!outcome || writer.busy}>
        {t('case_followup_add')}
      </button>
    </form>
  );
}

export function FollowUps({ c, canRecord, onSaved }: { c: Incident; canRecord: boolean; onSaved: () => void }) {
  const lang = getLang();
  return (
    <>
      {c.follow_ups.length > 0 && (
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
      )}
      {canRecord && <FollowUpForm incidentId={c.id} onSaved={onSaved} />}
    </>
  );
}
