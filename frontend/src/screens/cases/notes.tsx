/** Case notes: conversations with the students, the class, the parents, the staff. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { NOTE_KINDS, type NoteKind } from '../../api/enums';
import { MAX } from '../../api/limits';
import { formatDateTime } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import { EnumSelect } from '../../forms';
import { Async, Field, ProblemNotice, useLoad } from '../../ui';

export function Notes({ incidentId, canAdd, onAdded }: { incidentId: number; canAdd: boolean; onAdded: () => void }) {
  const state = useLoad(
    () => api.GET('/api/v1/incidents/{incident_id}/notes', { params: { path: { incident_id: incidentId }, query: { page_size: 50 } } }),
    [incidentId],
  );
  const [kind, setKind] = useState<NoteKind>('students');
  const [body, setBody] = useState('');
  // The key is fixed while this note is being written: a lost answer followed by a second tap adds one note.
  const writer = useWriter();
  const lang = getLang();
  async function add(e: Event) {
    e.preventDefault();
    const r = await writer.run((headers) =>
      api.POST('/api/v1/incidents/{incident_id}/notes', {
        params: { path: { incident_id: incidentId } },
        headers,
        body: { kind, body: body.trim() },
      }),
    );
    if (r?.ok) {
      setBody('');
      state.reload();
      onAdded();
    }
  }
  return (
    <>
      <Async state={state}>
        {(data) => (
          <ul class="list">
            {data.items.map((n) => (
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
      {canAdd && (
        <form class="stack" onSubmit={add}>
          <EnumSelect label={t('case_note_kind')} prefix="nk" options={NOTE_KINDS} value={kind} onChange={setKind} />
          <Field label={t('case_note_body')} error={writer.problem?.fields.body}>
            <textarea rows={3} required maxLength={MAX.NoteCreate.body} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          </Field>
          <ProblemNotice problem={writer.problem} shown={['body']} />
          <button type="submit" class="btn secondary" disabled={writer.busy}>
            {t('case_note_add')}
          </button>
        </form>
      )}
    </>
  );
}
