/**
 * The quick log's students: a card per picked student with its role buttons, and the ways to find one (two letters
 * of the name, searched on the phone first and then in the school; the recent students; the teacher's classes).
 */
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { INCIDENT_ROLES, type IncidentRole } from '../../api/enums';
import { t, tEnum } from '../../lib/i18n';
import { matchStudents, recentStudents, type StudentLite } from '../../lib/recent';
import { myClasses, onRosterChange, searchLocal, studentsOfClass, type ClassLite } from '../../lib/roster';
import { FieldError } from '../../ui';
import type { Errors, Picked, What } from './draft';

const RECENT_SHOWN = 6;

/** The finding half's state; the form resets parts of it when a student is picked, a log saved or undone. */
export interface StudentFinder {
  query: string;
  setQuery: (q: string) => void;
  results: StudentLite[];
  searchNote: string | null;
  listsOpen: boolean;
  setListsOpen: (open: boolean) => void;
  source: 'recent' | 'classes';
  setSource: (source: 'recent' | 'classes') => void;
  classes: ClassLite[];
  openClass: ClassLite | null;
  setOpenClass: (c: ClassLite | null) => void;
  classStudents: StudentLite[];
  search: RefObject<HTMLInputElement | null>;
}

export function useStudentFinder(): StudentFinder {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<StudentLite[]>([]);
  const [searchNote, setSearchNote] = useState<string | null>(null);
  const [listsOpen, setListsOpen] = useState(true);
  const [source, setSource] = useState<'recent' | 'classes'>(recentStudents().length ? 'recent' : 'classes');
  const [classes, setClasses] = useState<ClassLite[]>([]);
  const [openClass, setOpenClass] = useState<ClassLite | null>(null);
  const [classStudents, setClassStudents] = useState<StudentLite[]>([]);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const loadClasses = () => myClasses().then(setClasses).catch(() => {});
    void loadClasses();
    return onRosterChange(loadClasses);
  }, []);

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

  return { query, setQuery, results, searchNote, listsOpen, setListsOpen, source, setSource, classes, openClass, setOpenClass, classStudents, search };
}

export function StudentPicker({
  finder,
  picked,
  what,
  errors,
  roleOf,
  onPick,
  onUnpick,
  onRole,
}: {
  finder: StudentFinder;
  picked: Picked[];
  what: What | null;
  errors: Errors;
  roleOf: (p: Picked) => IncidentRole | null;
  onPick: (s: StudentLite) => void;
  onUnpick: (id: number) => void;
  onRole: (id: number, role: IncidentRole) => void;
}) {
  const { query, setQuery, results, searchNote, listsOpen, setListsOpen, source, setSource, classes, openClass, setOpenClass, classStudents, search } = finder;
  const recent = recentStudents().slice(0, RECENT_SHOWN);
  const listed = (list: StudentLite[], compact = false) => (
    <ul class={compact ? 'pick-list compact' : 'pick-list'}>
      {list.map((s) => {
        const on = picked.some((p) => p.id === s.id);
        return (
          <li key={s.id}>
            <button type="button" class="pick" aria-pressed={on} onClick={() => (on ? onUnpick(s.id) : onPick(s))}>
              <span>{s.display_name}</span>
              {s.class_name && <span class="muted">{s.class_name}</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );

  return (
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
                  <button type="button" class="chip-x" aria-label={t('ql_remove_student', { name: p.display_name })} onClick={() => onUnpick(p.id)}>
                    ×
                  </button>
                </div>
                {what !== 'observation' && (
                  <div class="roles" role="group" aria-label={t('ql_role_for', { name: p.display_name })}>
                    {INCIDENT_ROLES.map((r) => (
                      <button key={r} type="button" class="tag role" aria-pressed={role === r} onClick={() => onRole(p.id, r)}>
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
  );
}
