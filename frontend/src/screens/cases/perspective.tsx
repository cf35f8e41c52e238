/** The pupil's own account; saved on the incident with the ETag the user read, so two adults never overwrite each other. */
import { useEffect, useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import { t } from '../../lib/i18n';
import { Field, ProblemNotice } from '../../ui';

export function PupilPerspective({ incidentId, value, etag, canEdit, onSaved }: { incidentId: number; value: string; etag: string | null; canEdit: boolean; onSaved: () => void }) {
  const [draft, setDraft] = useState(value);
  const [saved, setSaved] = useState(false);
  const writer = useWriter();
  // Follow the case as it reloads (new ETag, saved text) without losing the "saved" notice.
  useEffect(() => setDraft(value), [value]);
  if (!canEdit) return <p>{value || t('case_pupil_perspective_none')}</p>;
  async function save(e: Event) {
    e.preventDefault();
    setSaved(false);
    if (!etag) return;
    const r = await writer.run(() =>
      api.PATCH('/api/v1/incidents/{incident_id}', {
        params: { path: { incident_id: incidentId }, header: { 'If-Match': etag } },
        body: { pupil_perspective: draft.trim() || null },
      }),
    );
    if (r?.ok) {
      setSaved(true);
      onSaved();
    }
  }
  return (
    <form class="stack" onSubmit={save}>
      <Field label={t('case_pupil_perspective_help')} error={writer.problem?.fields.pupil_perspective}>
        <textarea
          rows={4}
          maxLength={MAX.IncidentUpdate.pupil_perspective}
          value={draft}
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            setSaved(false);
          }}
        />
      </Field>
      <ProblemNotice problem={writer.problem} shown={['pupil_perspective']} />
      {saved && (
        <p class="notice ok" role="status">
          {t('saved')}
        </p>
      )}
      <button type="submit" class="btn secondary" disabled={draft.trim() === value.trim() || writer.busy}>
        {t('case_pupil_perspective_save')}
      </button>
    </form>
  );
}
