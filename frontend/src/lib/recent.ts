/** Recently picked students for one-tap picking; cleared on logout. */

export interface StudentLite {
  id: number;
  display_name: string;
  class_name?: string | null;
  class_id?: number | null;
}

const KEY = 'trivsel.recent';
const MAX = 12;

export function recentStudents(): StudentLite[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as StudentLite[];
  } catch {
    return [];
  }
}

export function rememberStudents(students: StudentLite[]): void {
  const ids = new Set(students.map((s) => s.id));
  const next = [...students, ...recentStudents().filter((s) => !ids.has(s.id))].slice(0, MAX);
  localStorage.setItem(KEY, JSON.stringify(next.map(({ id, display_name, class_name, class_id }) => ({ id, display_name, class_name, class_id }))));
}

export function clearRecent(): void {
  localStorage.removeItem(KEY);
}

/** Accent- and case-insensitive fold used for local prefix search (Å→a, Ø→o, Æ→ae like the API). */
export function fold(s: string): string {
  return s
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'o')
    .replaceAll('å', 'a')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** Students whose given, family or display name (any word) starts with the typed text. */
export function matchStudents<T extends StudentLite>(students: T[], query: string): T[] {
  const q = fold(query.trim());
  if (q.length < 2) return [];
  return students.filter((s) => {
    const name = fold(s.display_name);
    return name.startsWith(q) || name.split(/[\s-]+/).some((w) => w.startsWith(q));
  });
}
