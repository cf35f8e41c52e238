/** The quick log's "what happened": a classification or an observation, and for an observation its mood and tags. */
import { CLASSIFICATIONS, OBSERVATION_TAGS } from '../../api/enums';
import { t, tEnum, type Key } from '../../lib/i18n';
import { FieldError, ToggleChips } from '../../ui';
import { MOOD_FACES, type Draft, type Errors, type What } from './draft';

export function WhatStep({
  draft: { what, mood, tags },
  sfoFirst,
  errors,
  chooseWhat,
  chooseMood,
  set,
}: {
  draft: Draft;
  /** SFO staff (who log observations most) see "Observation" first. */
  sfoFirst: boolean;
  errors: Errors;
  chooseWhat: (what: What) => void;
  chooseMood: (mood: number) => void;
  set: (patch: Partial<Draft>) => void;
}) {
  const categories: What[] = sfoFirst ? ['observation', ...CLASSIFICATIONS] : [...CLASSIFICATIONS, 'observation'];
  return (
    <section aria-labelledby="ql-what" data-invalid={!!errors.what}>
      {/* The page's heading asks what happened; the label is for screen readers. */}
      <h2 id="ql-what" class="sr-only">
        {t('ql_what')}
      </h2>
      <div class={sfoFirst ? 'what-grid sfo' : 'what-grid'}>
        {categories.map((c) => (
          <button key={c} type="button" class={`what what-${c}`} aria-pressed={what === c} onClick={() => chooseWhat(c)}>
            {c === 'observation' ? t('ql_observation') : t(`c_${c}` as Key)}
          </button>
        ))}
      </div>
      <FieldError text={errors.what} />
      {what === 'observation' && (
        <div data-invalid={!!errors.mood}>
          <div class="moods" role="group" aria-label={t('ql_mood')} aria-describedby={errors.mood ? 'ql-mood-error' : undefined}>
            {MOOD_FACES.map((face, i) => (
              <button
                key={i}
                type="button"
                class="mood"
                aria-pressed={mood === i + 1}
                aria-label={`${i + 1}: ${t(`mood_${i + 1}` as Key)}`}
                title={t(`mood_${i + 1}` as Key)}
                onClick={() => chooseMood(i + 1)}
              >
                <span aria-hidden="true">{face}</span>
              </button>
            ))}
          </div>
          <FieldError id="ql-mood-error" text={errors.mood} />
        </div>
      )}
      {what === 'observation' && (
        <ToggleChips
          legend={t('obs_tags')}
          fieldsetClass="plain obs-tags"
          options={OBSERVATION_TAGS}
          text={(tag) => tEnum('tag', tag)}
          value={tags}
          onChange={(v) => set({ tags: v })}
        />
      )}
    </section>
  );
}
