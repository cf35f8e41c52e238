/**
 * Quick log: from opening the app to a saved incident in at most five taps plus the name.
 * The name field has focus on open; type two letters, tap the student, tap what happened, tap save.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { full, type Schemas } from '../api/types';
import { t, tEnum, type Key } from '../lib/i18n';
import * as outbox from '../lib/outbox';
import { matchStudents, recentStudents, rememberStudents, type StudentLite } from '../lib/recent';
import { myClasses, onRosterChange, searchLocal, studentsOfClass, type ClassLite } from '../lib/roster';
import type { User } from '../lib/session';
import { syncNow } from '../lib/sync';
import { Check, Chips, Field, ToggleChips } from '../ui';

export const CLASSIFICATIONS = [
  'conflict',
  'teasing',
  'bullying',
  'digital_bullying',
  'exclusion',
  'wellbeing_concern',
  'value_rule_breach',
] as const;
type Classification = (typeof CLASSIFICATIONS)[number];
type What = Classification | 'observation';

const ROLES = ['target', 'actor', 'bystander', 'supporter'] as const;
type IncidentRole = (typeof ROLES)[number];

const KNOWLEDGE = ['saw', 'told_by_student', 'told_by_other_student', 'told_by_parent', 'other'] as const;
type Knowledge = (typeof KNOWLEDGE)[number];

const MOOD_FACES = ['😢', '🙁', '😐', '🙂', '😄'];

/** The observation's quick tags: the API's validated list (ObservationCreate.tags' enum in the spec). */
type ObservationTag = NonNullable<Schemas['ObservationCreate']['tags']>[number];
export const OBSERVATION_TAGS = [
  'alone',
  'sad',
  'conflict',
  'excluded',
  'tired',
  'angry',
  'worried',
  'good_day',
  'happy',
  'played_with_others',
  'helped_others',
] as const satisfies readonly ObservationTag[];
// A tag added to the spec but missing here fails the type check.
const everyTagListed: [Exclude<ObservationTag, (typeof OBSERVATION_TAGS)[number]>] extends [never] ? true : false = true;
void everyTagListed;
const PLACES_KEY = 'trivsel.places';
// An observation's note is at most 1000 characters (ObservationCreate.note) and carries the place in front.
const OBSERVATION_WORDS_MAX = 960;

/** The school's list of places (GET /incident-places), remembered for offline use; it holds no child data. */
function storedPlaces(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(PLACES_KEY) ?? 'null') as string[] | null;
    if (list?.length) return list;
  } catch {
    /* fall through to the default list */
  }
  return DEFAULT_PLACES;
}

// The API's default list of places, used until the school's own list has been fetched once.
const DEFAULT_PLACES = ['schoolyard', 'football_pitch', 'corridor', 'classroom', 'toilets', 'sfo', 'bus', 'online', 'other'];

interface Picked extends StudentLite {
  role: IncidentRole;
}

type Source = 'recent' | 'classes';

export function QuickLog({ user }: { user: User }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<StudentLite[]>([]);
  const [searchNote, setSearchNote] = useState<string | null>(null);
  const [picked, setPicked] = useState<Picked[]>([]);
  const [what, setWhat] = useState<What | null>(null);
  const [mood, setMood] = useState<number | null>(null);
  const [tags, setTags] = useState<ObservationTag[]>([]);
  const [sensitive, setSensitive] = useState(false);
  const [place, setPlace] = useState('');
  const [words, setWords] = useState('');
  const [knowledge, setKnowledge] = useState<Knowledge | null>(null);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [source, setSource] = useState<Source>(recentStudents().length ? 'recent' : 'classes');
  const [classes, setClasses] = useState<ClassLite[]>([]);
  const [openClass, setOpenClass] = useState<ClassLite | null>(null);
  const [classStudents, setClassStudents] = useState<StudentLite[]>([]);
  const search = useRef<HTMLInputElement>(null);
  const [places, setPlaces] = useState<string[]>(storedPlaces());

  useEffect(() => {
    search.current?.focus();
    const loadClasses = () => myClasses().then(setClasses).catch(() => {});
    void loadClasses();
    const unsubscribe = onRosterChange(loadClasses);
    api
      .GET('/api/v1/incident-places')
      .then(({ data }) => {
        if (!data) return;
        const list = full(data).places;
        setPlaces(list);
        localStorage.setItem(PLACES_KEY, JSON.stringify(list));
      })
      .catch(() => {});
    return unsubscribe;
  }, []);

  // Type-ahead: the API when online, the students stored on the phone otherwise.
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) {
      setResults([]);
      setSearchNote(null);
      return;
    }
    let alive = true;
    const timer = setTimeout(async () => {
      // Students of my own classes first (from the phone), then the rest of the school from the API.
      const mine = await searchLocal(q).catch(() => [] as StudentLite[]);
      const recent = matchStudents(recentStudents(), q);
      let remote: StudentLite[] | null = null;
      if (navigator.onLine) {
        try {
          const { data } = await api.GET('/api/v1/students', { params: { query: { q, page_size: 10 } } });
          if (data)
            remote = full(data).items.map((s) => ({ id: s.id, display_name: s.display_name, class_name: s.class_name, class_id: s.class_id }));
        } catch {
          /* offline after all: the phone's list is what we have */
        }
      }
      const seen = new Set<number>();
      const found = [...mine, ...recent, ...(remote ?? [])].filter((s) => !seen.has(s.id) && seen.add(s.id)).slice(0, 10);
      if (!alive) return;
      setResults(found);
      setSearchNote(remote === null ? t('ql_search_offline') : null);
    }, 120);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [query]);

  useEffect(() => {
    if (!openClass) return;
    studentsOfClass(openClass.id).then(setClassStudents).catch(() => setClassStudents([]));
  }, [openClass]);

  function pick(s: StudentLite) {
    setStatus(null);
    if (picked.some((p) => p.id === s.id)) return;
    setPicked([...picked, { ...s, role: picked.length === 0 ? 'target' : 'actor' }]);
    setQuery('');
  }

  function cycleRole(id: number) {
    setPicked(picked.map((p) => (p.id === id ? { ...p, role: ROLES[(ROLES.indexOf(p.role) + 1) % ROLES.length] } : p)));
  }

  function unpick(id: number) {
    setPicked(picked.filter((p) => p.id !== id));
  }

  async function save(e: Event) {
    e.preventDefault();
    if (!picked.length) return setStatus({ kind: 'error', text: t('ql_need_students') });
    if (!what) return setStatus({ kind: 'error', text: t('ql_need_what') });
    if (what === 'observation' && !mood) return setStatus({ kind: 'error', text: t('ql_need_mood') });
    const names = picked.map((p) => p.display_name).join(', ');
    const occurred_at = new Date().toISOString();
    const text = words.trim();
    const where = place.trim();
    let entry: outbox.OutboxEntry;
    if (what === 'observation') {
      const note = [where ? tEnum('place', where) : '', text].filter(Boolean).join(': ');
      const body: Schemas['ObservationCreate'] = {
        student_ids: picked.map((p) => p.id),
        mood: mood ?? 3,
        observed_at: occurred_at,
        ...(user.roles.includes('sfo_staff') ? { context: 'sfo' as const } : {}),
        ...(note ? { note } : {}),
        ...(tags.length ? { tags } : {}),
        ...(sensitive ? { sensitive: true } : {}),
      };
      entry = await outbox.enqueue({
        kind: 'observation',
        body,
        user_id: user.id,
        user_name: user.name,
        label: `${t('ql_observation')} ${MOOD_FACES[(mood ?? 3) - 1]} – ${names}`,
      });
    } else {
      const body: Schemas['IncidentCreate'] = {
        classification: what,
        occurred_at,
        ...(where ? { place: where } : {}),
        ...(text ? { description: text } : {}),
        ...(knowledge ? { knowledge_source: knowledge } : {}),
        students: picked.map((p) => ({ student_id: p.id, role: p.role })),
      };
      entry = await outbox.enqueue({
        kind: 'incident',
        body,
        user_id: user.id,
        user_name: user.name,
        label: `${tEnum('c', what)} – ${names}`,
      });
    }
    rememberStudents(picked);
    setPicked([]);
    setWhat(null);
    setMood(null);
    setTags([]);
    setSensitive(false);
    setPlace('');
    setWords('');
    setKnowledge(null);
    setSource('recent');
    await syncNow().catch(() => {});
    const stillWaiting = (await outbox.list()).some((x) => x.id === entry.id);
    setStatus({ kind: 'ok', text: stillWaiting ? t('ql_saved_offline') : t('ql_saved') });
    search.current?.focus();
  }

  const recent = recentStudents();
  const listed = (list: StudentLite[]) => (
    <ul class="pick-list">
      {list.map((s) => {
        const on = picked.some((p) => p.id === s.id);
        return (
          <li key={s.id}>
            <button type="button" class="pick" aria-pressed={on} onClick={() => (on ? unpick(s.id) : pick(s))}>
              <span>{s.display_name}</span>
              {s.class_name && <span class="muted">{s.class_name}</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );

  return (
    <form class="quicklog" onSubmit={save}>
      <h1>{t('ql_title')}</h1>

      <section aria-labelledby="ql-students">
        <h2 id="ql-students" class="label">
          {t('ql_students')}
        </h2>
        {picked.length > 0 && (
          <ul class="chips">
            {picked.map((p) => (
              <li key={p.id} class="chip">
                <span class="chip-name">{p.display_name}</span>
                {what !== 'observation' && (
                  <button
                    type="button"
                    class="chip-role"
                    aria-label={t('ql_role_change', { name: p.display_name, role: tEnum('r', p.role) })}
                    onClick={() => cycleRole(p.id)}
                  >
                    {tEnum('r', p.role)}
                  </button>
                )}
                <button
                  type="button"
                  class="chip-x"
                  aria-label={t('ql_remove_student', { name: p.display_name })}
                  onClick={() => unpick(p.id)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <label class="field">
          <span class="sr-only">{t('ql_search')}</span>
          <input
            ref={search}
            type="search"
            name="student-search"
            autoComplete="off"
            enterKeyHint="search"
            placeholder={t('ql_search')}
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        {searchNote && <p class="muted small">{searchNote}</p>}
        {query.trim().length >= 2 ? (
          results.length ? (
            listed(results)
          ) : (
            <p class="muted" role="status">
              {t('ql_no_match')}
            </p>
          )
        ) : (
          <>
            <div class="segmented" role="group" aria-label={t('ql_students')}>
              <button type="button" aria-pressed={source === 'classes'} onClick={() => setSource('classes')}>
                {t('ql_my_classes')}
              </button>
              <button type="button" aria-pressed={source === 'recent'} onClick={() => setSource('recent')}>
                {t('ql_recent')}
              </button>
            </div>
            {source === 'recent' &&
              (recent.length ? listed(recent) : <p class="muted">{t('ql_no_recent')}</p>)}
            {source === 'classes' &&
              (openClass ? (
                <>
                  <button type="button" class="btn ghost" onClick={() => setOpenClass(null)}>
                    ← {t('ql_back_to_classes')} ({openClass.name})
                  </button>
                  {listed(classStudents)}
                </>
              ) : (
                <ul class="class-grid">
                  {classes.map((c) => (
                    <li key={c.id}>
                      <button type="button" class="pick" onClick={() => setOpenClass(c)}>
                        {c.name}
                      </button>
                    </li>
                  ))}
                </ul>
              ))}
          </>
        )}
      </section>

      <section aria-labelledby="ql-what">
        <h2 id="ql-what" class="label">
          {t('ql_what')}
        </h2>
        <div class="what-grid">
          {CLASSIFICATIONS.map((c) => (
            <button
              key={c}
              type="button"
              class={`what what-${c}`}
              aria-pressed={what === c}
              onClick={() => {
                setWhat(c);
                setStatus(null);
              }}
            >
              {t(`c_${c}` as Key)}
            </button>
          ))}
          <button
            type="button"
            class="what what-observation"
            aria-pressed={what === 'observation'}
            onClick={() => {
              setWhat('observation');
              setStatus(null);
            }}
          >
            {t('ql_observation')}
          </button>
        </div>
        {what === 'observation' && (
          <div class="moods" role="group" aria-label={t('ql_mood')}>
            {MOOD_FACES.map((face, i) => (
              <button
                key={i}
                type="button"
                class="mood"
                aria-pressed={mood === i + 1}
                aria-label={`${i + 1}: ${t(`mood_${i + 1}` as Key)}`}
                title={t(`mood_${i + 1}` as Key)}
                onClick={() => setMood(i + 1)}
              >
                <span aria-hidden="true">{face}</span>
              </button>
            ))}
          </div>
        )}
        {what === 'observation' && (
          <ToggleChips
            legend={t('obs_tags')}
            fieldsetClass="plain obs-tags"
            options={OBSERVATION_TAGS}
            text={(tag) => tEnum('tag', tag)}
            value={tags}
            onChange={setTags}
          />
        )}
      </section>

      <details class="more">
        <summary>{t('ql_more')}</summary>
        <div class="stack">
          <Chips
            legend={t('ql_place')}
            options={places}
            text={(p) => tEnum('place', p)}
            isOn={(p) => place === p}
            onPick={(p) => setPlace(place === p ? '' : p)}
          />
          <Field label={t('ql_words')}>
            <textarea name="words" rows={2} maxLength={what === 'observation' ? OBSERVATION_WORDS_MAX : 2000} value={words} onInput={(e) => setWords(e.currentTarget.value)} />
          </Field>
          {what === 'observation' && (
            <div>
              <Check label={t('obs_sensitive')} checked={sensitive} describedBy="obs-sensitive-help" onChange={setSensitive} />
              <p id="obs-sensitive-help" class="muted small help">
                {t('obs_sensitive_help')}
              </p>
            </div>
          )}
          {what !== 'observation' && (
            <Chips
              legend={t('ql_how_known')}
              options={KNOWLEDGE}
              text={(k) => tEnum('k', k)}
              isOn={(k) => knowledge === k}
              onPick={(k) => setKnowledge(knowledge === k ? null : k)}
            />
          )}
        </div>
      </details>

      <div class="save-bar">
        <p class={status?.kind === 'error' ? 'status error-text' : 'status'} role="status" aria-live="polite">
          {status?.text ?? ''}
        </p>
        <button type="submit" class="btn primary big">
          {t('ql_save')}
        </button>
      </div>
    </form>
  );
}
