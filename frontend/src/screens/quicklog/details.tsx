/**
 * The quick log's details, each with a default or optional: when (now, the last recess, a time earlier today), where,
 * on which platform (digital bullying), how the adult knows, and a few words (an observation's may be sensitive).
 */
import { KNOWLEDGE_SOURCES } from '../../api/enums';
import { MAX } from '../../api/limits';
import { formatClock, lastRecess, localClock, type Recess } from '../../lib/dates';
import { t, tEnum, type Lang } from '../../lib/i18n';
import { Check, Chips, Field } from '../../ui';
import { OBSERVATION_WORDS_MAX, PLATFORMS, type Draft, type Errors } from './draft';

export function Details({
  draft: { what, sensitive, place, words, knowledge, medium, when, earlier },
  set,
  errors,
  clearTime,
  places,
  recesses,
  now,
  lang,
}: {
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
  errors: Errors;
  clearTime: () => void;
  places: string[];
  recesses: Recess[];
  now: number;
  lang: Lang;
}) {
  const recess = lastRecess(recesses, new Date(now));
  return (
    <>
      <fieldset class="plain ql-row" data-invalid={!!errors.time}>
        <legend>{t('ql_when')}</legend>
        <div class="when-row">
          <button type="button" class="tag" aria-pressed={when === 'now'} onClick={() => set({ when: 'now' })}>
            {t('ql_when_now')}
          </button>
          <button type="button" class="tag" aria-pressed={when === 'recess'} onClick={() => set({ when: 'recess' })}>
            {recess.recess ? (
              <>
                {t('ql_when_recess')} <span class="nowrap">{formatClock(recess.recess.start, lang)}–{formatClock(recess.recess.end, lang)}</span>
              </>
            ) : (
              t('ql_when_recess_ago')
            )}
          </button>
          <button type="button" class="tag" aria-pressed={when === 'earlier'} onClick={() => set({ when: 'earlier' })}>
            {t('ql_when_earlier')}
          </button>
        </div>
        {when === 'earlier' && (
          <Field label={t('ql_when_time')} error={errors.time}>
            <input
              type="time"
              required
              max={localClock(new Date(now))}
              value={earlier}
              onInput={(e) => {
                set({ earlier: e.currentTarget.value });
                clearTime();
              }}
            />
          </Field>
        )}
      </fieldset>

      {places.length > 0 && (
        <Chips
          legend={t('ql_place')}
          fieldsetClass="plain ql-row"
          options={places}
          text={(p) => tEnum('place', p)}
          isOn={(p) => place === p}
          onPick={(p) => set({ place: place === p ? null : p })}
        />
      )}

      {what === 'digital_bullying' && (
        <fieldset class="plain ql-row">
          <legend>{t('ql_platform')}</legend>
          <div class="chips-row">
            {PLATFORMS.map((p) => (
              <button key={p} type="button" class="tag" aria-pressed={medium === p} onClick={() => set({ medium: medium === p ? '' : p })}>
                {p}
              </button>
            ))}
          </div>
          <Field label={t('ql_platform_other')}>
            <input
              type="text"
              maxLength={MAX.IncidentCreate.digital_medium}
              value={(PLATFORMS as readonly string[]).includes(medium) ? '' : medium}
              onInput={(e) => set({ medium: e.currentTarget.value })}
            />
          </Field>
        </fieldset>
      )}

      {what !== 'observation' && (
        <Chips
          legend={t('ql_how_known')}
          fieldsetClass="plain ql-row"
          options={KNOWLEDGE_SOURCES}
          text={(k) => tEnum('k', k)}
          isOn={(k) => knowledge === k}
          onPick={(k) => set({ knowledge: knowledge === k ? null : k })}
        />
      )}

      <details class="more">
        <summary>{t('ql_more')}</summary>
        <div class="stack">
          <Field label={t('ql_words')}>
            <textarea
              name="words"
              rows={2}
              maxLength={what === 'observation' ? OBSERVATION_WORDS_MAX : MAX.IncidentCreate.description}
              value={words}
              onInput={(e) => set({ words: e.currentTarget.value })}
            />
          </Field>
          {what === 'observation' && (
            <div>
              <Check label={t('obs_sensitive')} checked={sensitive} describedBy="obs-sensitive-help" onChange={(v) => set({ sensitive: v })} />
              <p id="obs-sensitive-help" class="muted small help">
                {t('obs_sensitive_help')}
              </p>
            </div>
          )}
        </div>
      </details>
    </>
  );
}
