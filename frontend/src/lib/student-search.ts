/** Students of the school by name (two letters), from the API: the one search the students screen and the
 * planning forms share. */
import { useEffect, useState } from 'preact/hooks';
import { api, problemOf } from '../api/client';
import type { Read } from '../api/types';
import { t } from './i18n';

export type Student = Read<'StudentRead'>;

/** The students matching `query` (null until it has two letters), or the error in the reader's language. */
export function useStudentSearch(query: string, pageSize = 25): { results: Student[] | null; error: string | null } {
  const [results, setResults] = useState<Student[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) {
      setResults(null);
      setError(null);
      return;
    }
    let alive = true;
    const timer = setTimeout(async () => {
      try {
        const { data, error: err, response } = await api.GET('/api/v1/students', { params: { query: { q, page_size: pageSize } } });
        if (!alive) return;
        if (data) {
          setResults(data.items);
          setError(null);
        } else setError(problemOf(response.status, err).message);
      } catch {
        if (alive) setError(t('error_offline'));
      }
    }, 150);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [query, pageSize]);
  return { results, error };
}
