/**
 * The pupil's own account; saved on the incident with the ETag of the text the user started from, so two adults
 * never overwrite each other, and a reload of the case never replaces what the user is typing (lib/draft.ts).
 */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import { SavedMeanwhile } from '../../forms';
import { useDraft } from '../../lib/draft';
import { t } from '../../lib/i18n';
import { Field, ProblemNotice } from '../../ui';

const sameText = (a: string, b: string) => a.trim() === b.trim();

export function PupilPerspective({ incidentId, value, etag, canEdit, onSaved }: { incidentId: number; value: string; etag: string | null; canEdit: boolean; onSaved: () => void }) {
  const draft = useDraft(value, etag, sameText);
  const [saved, setSaved] = useState(false);
  const writer = useWriter();
  if (!canEdit) return <p>{value || t('case_pupil_perspective_none')}</p>;

  async function save(e: Event) {
    e.preventDefault();
    setSaved(false);
    const ifMatch = draft.etag;
    if (!ifMatch) return;
    const r = await writer.run(() =>
      api.PATCH('/api/v1/incidents/{incident_id}', {
        params: { path: { incident_id: incidentId }, header: { 'If-Match': ifMatch } },
        body: { pupil_perspective: draft.value.trim() || null },
      }),
    );
    if (r?.ok) {
      draft.wrote(r.data.pupil_perspective ?? '', r.etag);
      setSaved(true);
      onSaved();
    } else if (r?.status === 412) {
      onSaved(); // read the case again, so the text saved meanwhile is shown beside the draft
    }
  }
  return (
    <form class="stack" onSubmit={save}>
      <Field label={t('case_pupil_perspective_help')} error={writer.problem?.fields.pupil_perspective}>
        <textarea
          rows={4}
          maxLength={MAX.IncidentUpdate.pupil_perspective}
          value={draft.value}
          onInput={(e) => {
            draft.set(e.currentTarget.value);
            setSaved(false);
          }}
        />
      </Field>
      {draft.theirs !== null ? (
        <SavedMeanwhile draft={draft} onChoose={() => writer.setProblem(null)}>
          <blockquote>{draft.theirs || t('case_pupil_perspective_none')}</blockquote>
        </SavedMeanwhile>
      ) : (
        <ProblemNotice problem={writer.problem} shown={['pupil_perspective']} />
      )}
      {saved && (
        <p class="notice ok" role="status">
          {t('saved')}
        </p>
      )}
      <button type="submit" class="btn secondary" disabled={!draft.dirty || draft.theirs !== null || writer.busy}>
        {t('case_pupil_perspective_save')}
      </button>
    </form>
  );
}
