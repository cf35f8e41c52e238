/** What the planning forms pick from: students by name, the school's classes, and its adults (the staff directory). */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Read } from '../../api/types';
import { t } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { useStudentSearch, type Student } from '../../lib/student-search';
import { Field, FieldError, useLoad } from '../../ui';

export type Picked = Pick<Student, 'id' | 'display_name' | 'class_name'>;
export type SchoolClass = Read<'ClassRead'>;
export interface Adult {
  id: number;
  name: string;
}

/** Students picked by name: the search (the students screen's), each result a button that adds it, and the
 * picked ones, each with a button that removes it. `id` names the group for its label and error. */
export function StudentPicker({ id, picked, onChange, error }: { id: string; picked: Picked[]; onChange: (p: Picked[]) => void; error?: string | null }) {
  const [query, setQuery] = useState('');
  const { results, error: searchError } = useStudentSearch(query, 10);
  const chosen = new Set(picked.map((p) => p.id));
  return (
    <fieldset class="plain stack" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{t('pl_pp_students')}</legend>
      {picked.length > 0 && (
        <ul class="chips-row picked">
          {picked.map((p) => (
            <li key={p.id}>
              <button type="button" class="tag" aria-label={t('pl_pp_remove', { name: p.display_name })} onClick={() => onChange(picked.filter((x) => x.id !== p.id))}>
                {p.display_name} ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <Field label={t('pl_pp_find')}>
        <input type="search" autoComplete="off" enterKeyHint="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </Field>
      {searchError && (
        <p class="notice error" role="alert">
          {searchError}
        </p>
      )}
      {results !== null &&
        (results.length ? (
          <ul class="pick-list">
            {results
              .filter((s) => !chosen.has(s.id))
              .map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    class="pick"
                    aria-label={t('pl_pp_add', { name: s.display_name })}
                    onClick={() => {
                      onChange([...picked, { id: s.id, display_name: s.display_name, class_name: s.class_name }]);
                      setQuery('');
                    }}
                  >
                    {s.display_name} <span class="muted">{s.class_name ?? ''}</span>
                  </button>
                </li>
              ))}
          </ul>
        ) : (
          <p class="muted" role="status">
            {t('ql_no_match')}
          </p>
        ))}
      <FieldError id={`${id}-error`} text={error} />
    </fieldset>
  );
}

/** The school's classes (every staff member may list them). */
export function useSchoolClasses(): SchoolClass[] {
  const state = useLoad(() => api.GET('/api/v1/classes', { params: { query: { page_size: 100 } } }), []);
  return state.data?.items ?? [];
}

// A school has a few dozen adults: the picker reads the whole directory, a page at a time, up to this many pages.
const MAX_STAFF_PAGES = 10;

/** The school's active staff from the staff directory (`GET /api/v1/staff`), the caller first, then by name;
 * `worksWithChildren` leaves out administrators alone (the API's own filter). `keep` is an adult already chosen
 * on the record, kept in the list even when the directory no longer has them. Until the directory answers (or
 * offline) the caller alone is offered. */
export function useStaffDirectory(user: User, { worksWithChildren = false, keep }: { worksWithChildren?: boolean; keep?: Adult } = {}): Adult[] {
  const [found, setFound] = useState<Adult[]>([]);
  useEffect(() => {
    let alive = true;
    (async () => {
      const all: Adult[] = [];
      for (let page = 1; page <= MAX_STAFF_PAGES; page++) {
        const query = { page, page_size: 100, ...(worksWithChildren ? { works_with_children: true } : {}) };
        const { data } = await api.GET('/api/v1/staff', { params: { query } });
        if (!data) break;
        all.push(...data.items);
        if (page * data.page_size >= data.total) break;
      }
      if (alive) setFound(all);
    })().catch(() => {});
    return () => {
      alive = false;
    };
  }, [worksWithChildren]);
  const others = new Map(found.filter((a) => a.id !== user.id).map((a) => [a.id, a.name]));
  if (keep && keep.id !== user.id && !others.has(keep.id)) others.set(keep.id, keep.name);
  return [
    { id: user.id, name: user.name },
    ...[...others].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'da')),
  ];
}
