/**
 * The pupil's own account; saved on the incident with the ETag of the text the user started from, so two adults
 * never overwrite each other. A reload of the case never replaces what the user is typing: if someone else saved
 * a different text meanwhile, both stay on screen and the user chooses.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import { t } from '../../lib/i18n';
import { Field, ProblemNotice } from '../../ui';

type Base = { value: string; etag: string | null };

export function PupilPerspective({ incidentId, value, etag, canEdit, onSaved }: { incidentId: number; value: string; etag: string | null; canEdit: boolean; onSaved: () => void }) {
  const [draft, setDraft] = useState(value);
  // The saved text the draft was started from, and the case's ETag then: what a save may replace.
  const [base, setBase] = useState<Base>({ value, etag });
  const [saved, setSaved] = useState(false);
  const writer = useWriter();
  const dirty = draft.trim() !== base.value.trim();
  useEffect(() => {
    if (!dirty) {
      // Nothing typed: follow the case as it reloads.
      setBase({ value, etag });
      setDraft(value);
    } else if (value === base.value) {
      // Another part of the case changed, not this text: the draft still replaces exactly what the user saw.
      setBase({ value, etag });
    }
    // Otherwise someone else saved another text: keep the draft and its base until the user chooses below.
  }, [value, etag]);
  if (!canEdit) return <p>{value || t('case_pupil_perspective_none')}</p>;
  const theirs = dirty && value !== base.value ? value : null;

  async function save(e: Event) {
    e.preventDefault();
    setSaved(false);
    if (!base.etag) return;
    const text = draft.trim();
    const r = await writer.run(() =>
      api.PATCH('/api/v1/incidents/{incident_id}', {
        params: { path: { incident_id: incidentId }, header: { 'If-Match': base.etag as string } },
        body: { pupil_perspective: text || null },
      }),
    );
    if (r?.ok) {
      setBase({ value: r.data.pupil_perspective ?? '', etag: r.etag });
      setDraft(r.data.pupil_perspective ?? '');
      setSaved(true);
      onSaved();
    } else if (r?.status === 412) {
      onSaved(); // read the case again, so the other text is shown beside the draft
    }
  }
  function keepMine() {
    setBase({ value, etag });
    writer.setProblem(null);
  }
  function useTheirs() {
    setBase({ value, etag });
    setDraft(value);
    writer.setProblem(null);
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
      {theirs !== null ? (
        <div class="notice error" role="alert">
          <p>{t('case_pupil_perspective_changed')}</p>
          <blockquote>{theirs || t('case_pupil_perspective_none')}</blockquote>
          <div class="chips-row">
            <button type="button" class="btn secondary" onClick={keepMine}>
              {t('case_pupil_perspective_keep_mine')}
            </button>
            <button type="button" class="btn secondary" onClick={useTheirs}>
              {t('case_pupil_perspective_use_theirs')}
            </button>
          </div>
        </div>
      ) : (
        <ProblemNotice problem={writer.problem} shown={['pupil_perspective']} />
      )}
      {saved && (
        <p class="notice ok" role="status">
          {t('saved')}
        </p>
      )}
      <button type="submit" class="btn secondary" disabled={!dirty || theirs !== null || writer.busy}>
        {t('case_pupil_perspective_save')}
      </button>
    </form>
  );
}
