/**
 * Quick log: from opening the app to a saved incident in four taps plus two letters of the name. The name field
 * has focus on open; type two letters, tap the student, tap what happened, tap the place (the last one is already
 * chosen), tap Gem. Each student's role is asked, never guessed from the order of picking; place and time come
 * with defaults a teacher can see; the receipt says what was saved, about whom, and whether it left the phone.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, newIdempotencyKey } from '../api/client';
import {
  CLASSIFICATIONS,
  INCIDENT_ROLES,
  KNOWLEDGE_SOURCES,
  OBSERVATION_TAGS,
  isBullyingLike,
  type Classification,
  type IncidentRole,
  type KnowledgeSource,
  type ObservationTag,
} from '../api/enums';
import { MAX } from '../api/limits';
import { withdrawLog } from '../api/actions';
import type { Schemas } from '../api/types';
import { copenhagenInstant, formatClock, justAfterRecess, lastRecess, localClock, todayIso, type Recess } from '../lib/dates';
import { getLang, t, tEnum, type Key } from '../lib/i18n';
import * as outbox from '../lib/outbox';
import { matchStudents, recentStudents, rememberStudents, type StudentLite } from '../lib/recent';
import { myClasses, onRosterChange, searchLocal, studentsOfClass, type ClassLite } from '../lib/roster';
import { lastPlace, refreshSchool, rememberPlace, storedPlaces, storedRecesses } from '../lib/school';
import type { User } from '../lib/session';
import { sendNow, sentLog, type SendNow } from '../lib/sync';
import { Check, Chips, Field, FieldError, ToggleChips } from '../ui';

type What = Classification | 'observation';
type When = 'now' | 'recess' | 'earlier';

const MOOD_FACES = ['😢', '🙁', '😐', '🙂', '😄'];
/** Platforms a teacher hears named most; "Andet" opens a text field (the API takes any name, up to its limit). */
const PLATFORMS = ['Snapchat', 'TikTok', 'Instagram', 'WhatsApp', 'Roblox', 'Discord', 'YouTube'] as const;
const RECENT_SHOWN = 6;
const UNDO_MS = 10_000;
// An observation's note carries the place in front ("Skolegården: …"), within the API's limit for the note.
const OBSERVATION_WORDS_MAX = MAX.ObservationCreate.note - 40;

interface Picked extends StudentLite {
  /** Null until the teacher chooses (or a lone student in a bullying-like case gets "Udsat"). */
  role: IncidentRole | null;
}

/** Everything the form holds, so "Fortryd" can put a log back for correcting. */
interface Draft {
  picked: Picked[];
  what: What | null;
  mood: number | null;
  tags: ObservationTag[];
  sensitive: boolean;
  place: string | null;
  words: string;
  knowledge: KnowledgeSource | null;
  medium: string;
  when: When;
  earlier: string;
}

interface Receipt {
  key: string;
  kind: outbox.OutboxKind;
  what: string;
  about: string;
  state: SendNow | 'undone_phone' | 'undone_server' | 'undo_failed' | 'undo_offline';
  draft: Draft;
  undoUntil: number;
}

type Errors = Partial<Record<'students' | 'roles' | 'what' | 'mood' | 'time', string>>;

/** A lone student's role when the teacher has not chosen one: "Udsat" where one child is on the receiving end. */
function defaultRole(what: What | null, count: number): IncidentRole | null {
  if (count !== 1 || what === null || what === 'observation') return null;
  return isBullyingLike(what) || what === 'wellbeing_concern' ? 'target' : null;
}

function blankDraft(place: string | null, recesses: readonly Recess[]): Draft {
  return {
    picked: [],
    what: null,
    mood: null,
    tags: [],
    sensitive: false,
    place,
    words: '',
    knowledge: null,
    medium: '',
    when: justAfterRecess(recesses) ? 'recess' : 'now',
    earlier: '',
  };
}

export function QuickLog({ user, initialWhat }: { user: User; initialWhat?: string }) {
  const lang = getLang();
  const [places, setPlaces] = useState<string[]>(storedPlaces);
  const [recesses, setRecesses] = useState<Recess[]>(storedRecesses);
  const remembered = lastPlace(user.id);
  const [draft, setDraft] = useState<Draft>(() => ({
    ...blankDraft(remembered && places.includes(remembered) ? remembered : null, recesses),
    what: initialWhat === 'observation' ? 'observation' : null,
  }));
  const { picked, what, mood, tags, sensitive, place, words, knowledge, medium, when, earlier } = draft;
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  // The outbox key of the log this form will save: fixed while the form is open, so saving twice saves once.
  const [key, setKey] = useState(newIdempotencyKey);
  const saving = useRef(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [, setNow] = useState(() => Date.now());
  const now = Date.now();

  const [query, setQuery] = useState('');
  const [results, setResults] = useState<StudentLite[]>([]);
  const [searchNote, setSearchNote] = useState<string | null>(null);
  const [listsOpen, setListsOpen] = useState(true);
  const [source, setSource] = useState<'recent' | 'classes'>(recentStudents().length ? 'recent' : 'classes');
  const [classes, setClasses] = useState<ClassLite[]>([]);
  const [openClass, setOpenClass] = useState<ClassLite | null>(null);
  const [classStudents, setClassStudents] = useState<StudentLite[]>([]);
  const search = useRef<HTMLInputElement>(null);
  const sfoFirst = user.roles.includes('sfo_staff') && !user.roles.some((r) => r === 'teacher' || r === 'pedagogue');

  useEffect(() => {
    search.current?.focus();
    const loadClasses = () => myClasses().then(setClasses).catch(() => {});
    void loadClasses();
    const unsubscribe = onRosterChange(loadClasses);
    void refreshSchool(
      (list) => {
        setPlaces(list);
        // The remembered place is the default only while the school still has it.
        setDraft((d) => (d.place && !list.includes(d.place) ? { ...d, place: null } : d));
        const last = lastPlace(user.id);
        if (last && list.includes(last)) setDraft((d) => (d.place === null && d.picked.length === 0 ? { ...d, place: last } : d));
      },
      (list) => {
        setRecesses(list);
        setDraft((d) => (d.picked.length === 0 && d.when !== 'earlier' ? { ...d, when: justAfterRecess(list) ? 'recess' : 'now' } : d));
      },
    ).catch(() => {});
    return unsubscribe;
  }, []);

  // The "Fortryd" offer ends after its ten seconds; the recess chip follows the clock on the next render.
  useEffect(() => {
    if (!receipt || receipt.undoUntil <= Date.now()) return;
    const timer = setTimeout(() => setNow(Date.now()), receipt.undoUntil - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [receipt?.key, receipt?.undoUntil]);

  // Type-ahead: the students stored on the phone first, then the rest of the school from the API when online.
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) {
      setResults([]);
      setSearchNote(null);
      return;
    }
    let alive = true;
    const timer = setTimeout(async () => {
      const mine = await searchLocal(q).catch(() => [] as StudentLite[]);
      const recent = matchStudents(recentStudents(), q);
      let remote: StudentLite[] | null = null;
      if (navigator.onLine) {
        try {
          const { data } = await api.GET('/api/v1/students', { params: { query: { q, page_size: 10 } } });
          if (data) remote = data.items.map((s) => ({ id: s.id, display_name: s.display_name, class_name: s.class_name, class_id: s.class_id }));
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
    setReceipt(null);
    setErrors((e) => ({ ...e, students: undefined }));
    if (!picked.some((p) => p.id === s.id)) set({ picked: [...picked, { ...s, role: null }] });
    setQuery('');
    // Picked: the lists make way for what happened.
    setListsOpen(false);
    setOpenClass(null);
  }

  function unpick(id: number) {
    set({ picked: picked.filter((p) => p.id !== id) });
  }

  function setRole(id: number, role: IncidentRole) {
    setErrors((e) => ({ ...e, roles: undefined }));
    set({ picked: picked.map((p) => (p.id === id ? { ...p, role } : p)) });
  }

  const lone = defaultRole(what, picked.length);
  const roleOf = (p: Picked): IncidentRole | null => p.role ?? lone;
  const recess = lastRecess(recesses, new Date(now));

  function occurredAt(): string | null {
    if (when === 'now') return new Date().toISOString();
    if (when === 'recess') return lastRecess(recesses).at.toISOString();
    if (!/^\d{2}:\d{2}$/.test(earlier)) return null;
    const at = copenhagenInstant(todayIso(), earlier);
    return at.getTime() > Date.now() ? null : at.toISOString();
  }

  async function save(e: Event) {
    e.preventDefault();
    if (saving.current) return; // a second tap while the first is saving
    const problems: Errors = {};
    if (!picked.length) problems.students = t('ql_need_students');
    if (!what) problems.what = t('ql_need_what');
    if (what === 'observation' && !mood) problems.mood = t('ql_need_mood');
    if (what && what !== 'observation' && picked.some((p) => roleOf(p) === null)) problems.roles = t('ql_need_roles');
    const at = occurredAt();
    if (at === null) problems.time = earlier ? t('ql_time_future') : t('ql_need_time');
    setErrors(problems);
    if (Object.keys(problems).length || !what || at === null) {
      const first = document.querySelector<HTMLElement>('.quicklog [data-invalid="true"]');
      first?.scrollIntoView({ block: 'center' });
      return;
    }
    saving.current = true;
    setBusy(true);
    const names = picked.map((p) => p.display_name).join(', ');
    const text = words.trim();
    let entry: { kind: outbox.OutboxKind; body: unknown; label: string };
    let whatLabel: string;
    let about: string;
    if (what === 'observation') {
      const note = [place ? tEnum('place', place) : '', text].filter(Boolean).join(': ');
      const body: Schemas['ObservationCreate'] = {
        student_ids: picked.map((p) => p.id),
        mood: mood ?? 3,
        observed_at: at,
        ...(user.roles.includes('sfo_staff') ? { context: 'sfo' as const } : {}),
        ...(note ? { note } : {}),
        ...(tags.length ? { tags } : {}),
        ...(sensitive ? { sensitive: true } : {}),
      };
      whatLabel = `${t('ql_observation')} ${MOOD_FACES[(mood ?? 3) - 1]}`;
      about = names;
      entry = { kind: 'observation', body, label: `${whatLabel} – ${names}` };
    } else {
      const platform = what === 'digital_bullying' ? medium.trim() : '';
      const body: Schemas['IncidentCreate'] = {
        classification: what,
        occurred_at: at,
        ...(place ? { place } : {}),
        ...(text ? { description: text } : {}),
        ...(knowledge ? { knowledge_source: knowledge } : {}),
        ...(platform ? { digital_medium: platform } : {}),
        students: picked.map((p) => ({ student_id: p.id, role: roleOf(p) as IncidentRole })),
      };
      whatLabel = tEnum('c', what);
      about = picked.map((p) => `${p.display_name} (${tEnum('r', roleOf(p)).toLowerCase()})`).join(', ');
      entry = { kind: 'incident', body, label: `${whatLabel} – ${names}` };
    }
    const details = [place ? tEnum('place', place) : '', t('ql_at_time', { time: formatClock(localClock(new Date(at)), lang) })].filter(Boolean);
    const saved = key;
    try {
      // The form's key is the outbox entry's id: a second save of this form overwrites it, never adds one.
      await outbox.enqueue({ ...entry, id: saved, user_id: user.id, user_name: user.name });
    } catch {
      saving.current = false;
      setBusy(false);
      setErrors({ students: t('ql_storage_failed') });
      return;
    }
    rememberStudents(picked);
    rememberPlace(user.id, place);
    const snapshot = draft;
    setDraft(blankDraft(place, recesses));
    setKey(newIdempotencyKey());
    setListsOpen(true);
    setSource('recent');
    const state = await sendNow(saved);
    setReceipt({
      key: saved,
      kind: entry.kind,
      what: whatLabel,
      about: [about, ...details].join(' · '),
      state,
      draft: snapshot,
      undoUntil: Date.now() + UNDO_MS,
    });
    saving.current = false;
    setBusy(false);
    search.current?.focus();
  }

  // A log that waited on the phone may leave it while its receipt shows.
  useEffect(() => {
    if (!receipt || receipt.state !== 'waiting') return;
    return outbox.subscribe(() => {
      if (sentLog(receipt.key)) setReceipt((r) => (r && r.key === receipt.key ? { ...r, state: 'sent' } : r));
    });
  }, [receipt?.key, receipt?.state]);

  async function undo(r: Receipt) {
    const waiting = (await outbox.list()).some((x) => x.id === r.key);
    let state: Receipt['state'];
    if (waiting) {
      await outbox.discard(r.key);
      state = 'undone_phone';
    } else {
      const sent = sentLog(r.key);
      const result = sent ? await withdrawLog(sent.kind, sent.id) : 'unavailable';
      state = result === 'withdrawn' || result === 'already' ? 'undone_server' : result === 'offline' ? 'undo_offline' : 'undo_failed';
    }
    setReceipt({ ...r, state, undoUntil: 0 });
    if (state === 'undone_phone' || state === 'undone_server') {
      setDraft(r.draft);
      setListsOpen(false);
    }
  }

  const recent = recentStudents().slice(0, RECENT_SHOWN);
  const listed = (list: StudentLite[], compact = false) => (
    <ul class={compact ? 'pick-list compact' : 'pick-list'}>
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

  const categories: What[] = sfoFirst ? ['observation', ...CLASSIFICATIONS] : [...CLASSIFICATIONS, 'observation'];
  const showUndo = receipt !== null && receipt.undoUntil > now && (receipt.state === 'sent' || receipt.state === 'waiting');

  return (
    <form class="quicklog" onSubmit={save} noValidate>
      <h1>{t('ql_title')}</h1>

      <section aria-labelledby="ql-students" data-invalid={!!(errors.students || errors.roles)}>
        <h2 id="ql-students" class="sr-only">
          {t('ql_students')}
        </h2>
        {picked.length > 0 && (
          <ul class="picked">
            {picked.map((p) => {
              const role = roleOf(p);
              const groupId = `role-${p.id}`;
              return (
                <li key={p.id} class={what !== 'observation' && role === null && errors.roles ? 'picked-card invalid' : 'picked-card'}>
                  <div class="picked-name">
                    <strong id={groupId}>{p.display_name}</strong>
                    {p.class_name && <span class="muted small">{p.class_name}</span>}
                    <button type="button" class="chip-x" aria-label={t('ql_remove_student', { name: p.display_name })} onClick={() => unpick(p.id)}>
                      ×
                    </button>
                  </div>
                  {what !== 'observation' && (
                    <div class="roles" role="group" aria-label={t('ql_role_for', { name: p.display_name })}>
                      {INCIDENT_ROLES.map((r) => (
                        <button key={r} type="button" class="tag role" aria-pressed={role === r} onClick={() => setRole(p.id, r)}>
                          {tEnum('r', r)}
                        </button>
                      ))}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <FieldError text={errors.roles} />
        <div class="search-row">
          <label class="field grow">
            <span class="sr-only">{t('ql_search')}</span>
            <input
              ref={search}
              type="search"
              name="student-search"
              autoComplete="off"
              enterKeyHint="search"
              placeholder={picked.length ? t('ql_search_more') : t('ql_search')}
              value={query}
              aria-invalid={errors.students ? true : undefined}
              aria-describedby={errors.students ? 'ql-students-error' : undefined}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
          </label>
          {!listsOpen && query.trim().length < 2 && (
            <button type="button" class="btn secondary" aria-expanded="false" onClick={() => setListsOpen(true)}>
              {t('ql_show_lists')}
            </button>
          )}
        </div>
        <FieldError id="ql-students-error" text={errors.students} />
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
          listsOpen && (
            <>
              <div class="segmented" role="group" aria-label={t('ql_students')}>
                <button type="button" aria-pressed={source === 'classes'} onClick={() => setSource('classes')}>
                  {t('ql_my_classes')}
                </button>
                <button type="button" aria-pressed={source === 'recent'} onClick={() => setSource('recent')}>
                  {t('ql_recent')}
                </button>
              </div>
              {source === 'recent' && (recent.length ? listed(recent, true) : <p class="muted">{t('ql_no_recent')}</p>)}
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
          )
        )}
      </section>

      <section aria-labelledby="ql-what" data-invalid={!!errors.what}>
        {/* The page's heading asks what happened; the label is for screen readers. */}
        <h2 id="ql-what" class="sr-only">
          {t('ql_what')}
        </h2>
        <div class={sfoFirst ? 'what-grid sfo' : 'what-grid'}>
          {categories.map((c) => (
            <button
              key={c}
              type="button"
              class={`what what-${c}`}
              aria-pressed={what === c}
              onClick={() => {
                set({ what: c });
                setErrors((e) => ({ ...e, what: undefined, roles: undefined }));
                setReceipt(null);
              }}
            >
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
                  onClick={() => {
                    set({ mood: i + 1 });
                    setErrors((e) => ({ ...e, mood: undefined }));
                  }}
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
                setErrors((x) => ({ ...x, time: undefined }));
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

      <div class="save-bar">
        <div class="receipt" role="status" aria-live="polite">
          {receipt && <ReceiptText r={receipt} />}
        </div>
        <div class="save-row">
          {showUndo && receipt && (
            <button type="button" class="btn secondary" onClick={() => void undo(receipt)}>
              {t('ql_undo')}
            </button>
          )}
          <button type="submit" class="btn primary big" disabled={busy} aria-busy={busy}>
            {busy ? t('ql_saving') : t('ql_save')}
          </button>
        </div>
      </div>
    </form>
  );
}

function ReceiptText({ r }: { r: Receipt }) {
  const head: Record<Receipt['state'], Key> = {
    sent: 'ql_saved',
    waiting: 'ql_saved_offline',
    rejected: 'ql_saved_rejected',
    undone_phone: 'ql_undone_phone',
    undone_server: 'ql_undone_server',
    undo_failed: 'ql_undo_failed',
    undo_offline: 'ql_undo_offline',
  };
  const bad = r.state === 'rejected' || r.state === 'undo_failed' || r.state === 'undo_offline';
  return (
    <>
      <strong class={bad ? 'error-text' : undefined}>{t(head[r.state])}</strong>{' '}
      <span>
        {r.what}: {r.about}
      </span>
      {r.state === 'rejected' && (
        <>
          {' '}
          <a href="#/outbox">{t('outbox_title')}</a>
        </>
      )}
    </>
  );
}
