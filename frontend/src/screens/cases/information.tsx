/** The information duty per person (undervisningsmiljøloven § 1 c): each involved pupil and each parent with
 * custody, who informed them, when and how; who is still not informed is listed first. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { MAX } from '../../api/limits';
import type { Schemas } from '../../api/types';
import { formatDateTime } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import { Async, Field, ProblemNotice, useLoad } from '../../ui';

type Person = Schemas['InformedPerson'];
const METHODS = ['meeting', 'phone', 'letter', 'aula_message'] as const;

function who(p: Person): string {
  return p.person_kind === 'student'
    ? `${p.student_name} (${tEnum('r', p.role)})`
    : t('info_guardian_of', { name: p.guardian_name ?? '', student: p.student_name });
}

export function Information({ incidentId }: { incidentId: number }) {
  const state = useLoad(
    () => api.GET('/api/v1/incidents/{incident_id}/information', { params: { path: { incident_id: incidentId } } }),
    [incidentId],
  );
  const [person, setPerson] = useState('');
  const [method, setMethod] = useState<(typeof METHODS)[number]>('meeting');
  const [note, setNote] = useState('');
  const writer = useWriter();
  const lang = getLang();

  async function record(e: Event, people: Person[]) {
    e.preventDefault();
    const p = people[Number(person)];
    if (!p) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/incidents/{incident_id}/information', {
        params: { path: { incident_id: incidentId } },
        headers,
        body: { student_id: p.student_id, guardian_id: p.guardian_id, method, note: note.trim() || null },
      }),
    );
    if (r?.ok) {
      setNote('');
      setPerson('');
      state.reload();
    }
  }

  return (
    <Async state={state}>
      {(d) => (
        <>
          <p class={d.uninformed_count ? 'overdue' : 'small'} role="status">
            {d.uninformed_count ? t('info_uninformed', { n: d.uninformed_count }) : t('info_all_informed')}
          </p>
          <ul class="list">
            {d.people.map((p, i) => (
              <li key={i} class="card">
                <div class="row-main">
                  <span>{who(p)}</span>
                  <span class={p.informed ? 'small' : 'small overdue'}>{p.informed ? t('info_informed') : t('info_not_informed')}</span>
                </div>
                {p.records.map((r) => (
                  <p key={r.id} class="muted small">
                    {formatDateTime(r.informed_at, lang)} · {tEnum('im', r.method)}
                    {r.informed_by ? ` · ${r.informed_by.name}` : ''}
                    {r.note ? ` · ${r.note}` : ''}
                  </p>
                ))}
              </li>
            ))}
          </ul>
          {d.can_record && d.people.length > 0 && (
            <form class="stack" onSubmit={(e) => record(e, d.people)}>
              <Field label={t('info_who')}>
                <select required value={person} onChange={(e) => setPerson(e.currentTarget.value)}>
                  <option value="">{t('info_choose')}</option>
                  {d.people.map((p, i) => (
                    <option key={i} value={String(i)}>
                      {who(p)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('info_how')}>
                <select value={method} onChange={(e) => setMethod(e.currentTarget.value as (typeof METHODS)[number])}>
                  {METHODS.map((m) => (
                    <option key={m} value={m}>
                      {tEnum('im', m)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('info_note')} error={writer.problem?.fields.note}>
                <input type="text" maxLength={MAX.InformationRecordCreate.note} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
              </Field>
              <button type="submit" class="btn secondary" disabled={writer.busy}>
                {t('info_record')}
              </button>
            </form>
          )}
          <ProblemNotice problem={writer.problem} shown={['note']} />
        </>
      )}
    </Async>
  );
}
