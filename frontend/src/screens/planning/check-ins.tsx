/** An arrangement's check-ins (opfølgning): the form that records one, and the list, newest first. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { CHECK_IN_OUTCOMES, type CheckInOutcome, type Recess } from '../../api/enums';
import { MAX } from '../../api/limits';
import type { Read } from '../../api/types';
import { formatDate, todayIso } from '../../lib/dates';
import { getLang, t, tEnum, type Key } from '../../lib/i18n';
import { SaveOrCancel } from '../../forms';
import { Async, Chips, Field, FieldError, Pager, ProblemNotice, useLoad } from '../../ui';
import type { Arrangement } from './plan';

type CheckIn = Read<'CheckInRead'>;
const PAGE_SIZE = 10;

/** "Registrér opfølgning": how it went, on which day and recess, and a note for those close to the students. The
 * form's Idempotency-Key is fixed from when it opens (it mounts then), so a lost answer sent again records once. */
export function CheckInForm({ a, onSaved, onCancel }: { a: Arrangement; onSaved: (c: CheckIn) => void; onCancel: () => void }) {
  const today = todayIso();
  const last = a.end_date < today ? a.end_date : today;
  const [outcome, setOutcome] = useState<CheckInOutcome | null>(null);
  const [date, setDate] = useState(last);
  const [recess, setRecess] = useState<Recess | ''>(a.recesses.length === 1 ? a.recesses[0] : '');
  const [note, setNote] = useState('');
  const [needOutcome, setNeedOutcome] = useState(false);
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};

  async function save(e: Event) {
    e.preventDefault();
    setNeedOutcome(outcome === null);
    if (outcome === null) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/play-partner-arrangements/{arrangement_id}/check-ins', {
        params: { path: { arrangement_id: a.id } },
        headers,
        body: { outcome, date, recess: recess || null, ...(note.trim() ? { note: note.trim() } : {}) },
      }),
    );
    if (r?.ok) onSaved(r.data);
  }

  return (
    <form class="card stack plan-form" aria-labelledby="ci-new-h" onSubmit={save}>
      <h3 id="ci-new-h">{t('pp_ci_new')}</h3>
      <Chips legend={t('pp_ci_outcome')} options={CHECK_IN_OUTCOMES} text={(o) => t(`pp_${o}` as Key)} isOn={(o) => outcome === o} onPick={setOutcome} />
      <FieldError text={needOutcome ? t('pp_ci_need_outcome') : fields.outcome} />
      <div class="toolbar">
        <Field label={t('pp_ci_date')} error={fields.date}>
          <input type="date" required min={a.start_date} max={last} value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </Field>
        <Field label={t('pp_ci_recess')} error={fields.recess}>
          <select value={recess} onChange={(e) => setRecess(e.currentTarget.value as Recess | '')}>
            <option value="">{t('pp_ci_recess_any')}</option>
            {a.recesses.map((r) => (
              <option key={r} value={r}>
                {tEnum('recess', r)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t('pp_ci_note')} error={fields.note}>
        <textarea rows={3} maxLength={MAX.CheckInCreate.note} aria-describedby="ci-note-hint" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <p id="ci-note-hint" class="muted small">
        {t('pp_ci_note_hint')}
      </p>
      <ProblemNotice problem={writer.problem} shown={['outcome', 'date', 'recess', 'note']} />
      <SaveOrCancel save={t('pp_ci_save')} busy={writer.busy} onCancel={onCancel} />
    </form>
  );
}

/** The check-ins, newest first, a page at a time; `revision` reloads them after a new one. */
export function CheckInList({ arrangementId, revision }: { arrangementId: number; revision: number }) {
  const [page, setPage] = useState(1);
  const state = useLoad(
    () =>
      api.GET('/api/v1/play-partner-arrangements/{arrangement_id}/check-ins', {
        params: { path: { arrangement_id: arrangementId }, query: { page, page_size: PAGE_SIZE } },
      }),
    [arrangementId, page, revision],
  );
  const lang = getLang();
  return (
    <Async state={state}>
      {(data) =>
        data.items.length ? (
          <>
            <ul class="list" aria-label={t('pp_ci_list')}>
              {data.items.map((c) => (
                <li key={c.id} class="card">
                  <div class="row-main">
                    <strong>{t(`pp_${c.outcome}` as Key)}</strong>
                    <span class="muted small">
                      {formatDate(c.date, lang)}
                      {c.recess ? ` · ${tEnum('recess', c.recess)}` : ''} · {c.author.name}
                    </span>
                    {c.note && <span>{c.note}</span>}
                    {c.note_hidden && <span class="muted small">{t('log_note_hidden')}</span>}
                  </div>
                </li>
              ))}
            </ul>
            <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
          </>
        ) : (
          <p>{t('pp_ci_none')}</p>
        )
      }
    </Async>
  );
}
