/** The strategy's five audiences as a checklist, each saved with its own ETag. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import { formatDateTime } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import { Check, Field, ProblemNotice, ToggleChips } from '../../ui';
import type { Incident } from './shared';

type AudienceItem = Incident['audiences'][number];

function AudienceCard({ incidentId, item, canEdit, onSaved }: { incidentId: number; item: AudienceItem; canEdit: boolean; onSaved: () => void }) {
  const [actions, setActions] = useState<string[]>(item.actions);
  const [how, setHow] = useState(item.how ?? '');
  const [done, setDone] = useState(item.done);
  const writer = useWriter();
  const lang = getLang();
  const id = `aud-${item.id}`;
  async function save(e: Event) {
    e.preventDefault();
    const r = await writer.run(() =>
      api.PATCH('/api/v1/incidents/{incident_id}/audiences/{item_id}', {
        params: { path: { incident_id: incidentId, item_id: item.id }, header: { 'If-Match': item.etag } },
        body: { actions, how: how.trim() || null, done },
      }),
    );
    if (r?.ok) onSaved();
  }
  const doneBy = item.done && item.done_at && (
    <span class="muted small">{t('aud_done_by', { date: formatDateTime(item.done_at, lang), name: item.done_by?.name ?? '' })}</span>
  );
  if (!canEdit)
    return (
      <li class="card">
        <div class="row-main">
          <h3 id={id}>
            {item.done ? '✓ ' : ''}
            {tEnum('aud', item.audience)}
          </h3>
          {doneBy}
          {item.actions.length > 0 && <span>{item.actions.map((a) => tEnum('act', a)).join(', ')}</span>}
          {item.how && <span>{item.how}</span>}
        </div>
      </li>
    );
  return (
    <li class="card">
      <form class="stack row-main" onSubmit={save} aria-labelledby={id}>
        <h3 id={id}>
          {done ? '✓ ' : ''}
          {tEnum('aud', item.audience)}
        </h3>
        {doneBy}
        <ToggleChips groupLabelledBy={id} options={item.suggested_actions} text={(a) => tEnum('act', a)} value={actions} onChange={setActions} />
        <Field label={t('case_how')} error={writer.problem?.fields.how}>
          <textarea rows={2} maxLength={MAX.AudienceUpdate.how} value={how} onInput={(e) => setHow(e.currentTarget.value)} />
        </Field>
        <Check label={t('case_done')} checked={done} onChange={setDone} />
        <ProblemNotice problem={writer.problem} shown={['how']} />
        <button type="submit" class="btn secondary" disabled={writer.busy}>
          {t('save')}
        </button>
      </form>
    </li>
  );
}

export function Audiences({ c, canEdit, onSaved }: { c: Incident; canEdit: boolean; onSaved: () => void }) {
  return (
    <ul class="list">
      {c.audiences.map((a) => (
        <AudienceCard key={a.etag} incidentId={c.id} item={a} canEdit={canEdit} onSaved={onSaved} />
      ))}
    </ul>
  );
}
