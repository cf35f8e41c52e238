/**
 * The students of my classes, kept in IndexedDB so names can be picked in the schoolyard without
 * network. Only id, name and class are kept; logout clears it.
 */
import { api } from '../api/client';
import * as idb from './idb';
import { matchStudents, type StudentLite } from './recent';

export interface ClassLite {
  id: number;
  name: string;
  grade?: number | null;
}

interface RosterRow extends StudentLite {
  /** Classes are stored in the same store under negative ids so one clear forgets both. */
  kind: 'student' | 'class';
  grade?: number | null;
}

const listeners = new Set<() => void>();

/** Be told when the stored roster has been refreshed. */
export function onRosterChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Fetch my classes and their students; called when online after login and on start. */
export async function refreshRoster(): Promise<void> {
  const classes = await api.GET('/api/v1/classes', { params: { query: { mine: true, page_size: 100 } } });
  if (!classes.data) return;
  const rows: RosterRow[] = classes.data.items.map((c) => ({
    id: -c.id,
    kind: 'class',
    display_name: c.name,
    grade: c.grade,
  }));
  for (const c of classes.data.items) {
    let page = 1;
    for (;;) {
      const res = await api.GET('/api/v1/students', { params: { query: { class_id: c.id, page_size: 100, page } } });
      if (!res.data) break;
      for (const s of res.data.items) {
        rows.push({ id: s.id, kind: 'student', display_name: s.display_name, class_name: s.class_name, class_id: s.class_id });
      }
      if (page * res.data.page_size >= (res.data.total ?? 0)) break;
      page++;
    }
  }
  await idb.putMany('roster', rows, true);
  listeners.forEach((l) => l());
}

export async function myClasses(): Promise<ClassLite[]> {
  const rows = await idb.getAll<RosterRow>('roster');
  return rows
    .filter((r) => r.kind === 'class')
    .map((r) => ({ id: -r.id, name: r.display_name, grade: r.grade }))
    .sort((a, b) => (a.grade ?? 0) - (b.grade ?? 0) || a.name.localeCompare(b.name, 'da'));
}

export async function studentsOfClass(classId: number): Promise<StudentLite[]> {
  const rows = await idb.getAll<RosterRow>('roster');
  return rows
    .filter((r) => r.kind === 'student' && r.class_id === classId)
    .sort((a, b) => a.display_name.localeCompare(b.display_name, 'da'));
}

export async function searchLocal(query: string): Promise<StudentLite[]> {
  const rows = await idb.getAll<RosterRow>('roster');
  return matchStudents(rows.filter((r) => r.kind === 'student'), query);
}
