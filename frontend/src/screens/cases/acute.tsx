/** Acute measures: what was done at once, while the plan is being written. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import { formatDateTime } from '../../lib/dates';
import { getLang, t } from '../../lib/i18n';
import { Field, ProblemNotice } from '../../ui';
import type { Incident } from './shared';

export function AcuteMeasures({ c, canAdd, onSaved }: { c: Incident; canAdd: boolean; onSaved: () => void }) {
  const [text, setText] = useState('');
  const writer = useWriter();
  const lang = getLang();
  async function add(e: Event) {
    e.preventDefault();
    const r = await writer.run((headers) =>
      api.POST('/api/v1/incidents/{incident_id}/acute-measures', {
        params: { path: { incident_id: c.id } },
        headers,
        body: { description: text.trim() },
      }),
    );
    if (r?.ok) {
      setText('');
      onSaved();
    }
  }
  return (
    <>
      {c.acute_measures.length > 0 && (
        <ul class="list">
          {c.acute_measures.map((a) => (
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
      )}
      {canAdd && (
        <form class="toolbar" onSubmit={add}>
          <Field label={t('case_acute_add')} error={writer.problem?.fields.description}>
            <textarea rows={2} required maxLength={MAX.AcuteMeasureCreate.description} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </Field>
          <button type="submit" class="btn secondary" disabled={writer.busy}>
            {t('add')}
          </button>
        </form>
      )}
      <ProblemNotice problem={writer.problem} shown={['description']} />
    </>
  );
}
