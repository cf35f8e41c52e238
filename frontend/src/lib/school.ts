/**
 * What the quick log needs to know about the school, kept on the phone so it works offline: its list of places
 * and its recess times (GET /incident-places, GET /schools/current), and this adult's last place. None of it is
 * child data, so logout keeps it.
 */
import { api } from '../api/client';
import type { Recess } from './dates';

const PLACES_KEY = 'trivsel.places';
const RECESSES_KEY = 'trivsel.recesses';
const LAST_PLACE_KEY = 'trivsel.lastPlace.';

function stored<T>(key: string): T | null {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') as T | null;
  } catch {
    return null;
  }
}

function store(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or unavailable: the next open fetches again */
  }
}

/** The school's places as last fetched (empty before the first fetch). */
export function storedPlaces(): string[] {
  const list = stored<string[]>(PLACES_KEY);
  return Array.isArray(list) ? list.filter((p) => typeof p === 'string') : [];
}

export function storedRecesses(): Recess[] {
  const list = stored<Recess[]>(RECESSES_KEY);
  return Array.isArray(list) ? list.filter((r) => typeof r?.start === 'string' && typeof r?.end === 'string') : [];
}

/** Fetch both lists and remember them; each callback gets its fresh list. */
export async function refreshSchool(onPlaces: (p: string[]) => void, onRecesses: (r: Recess[]) => void): Promise<void> {
  const [places, school] = await Promise.allSettled([api.GET('/api/v1/incident-places'), api.GET('/api/v1/schools/current')]);
  if (places.status === 'fulfilled' && places.value.data) {
    store(PLACES_KEY, places.value.data.places);
    onPlaces(places.value.data.places);
  }
  if (school.status === 'fulfilled' && school.value.data) {
    store(RECESSES_KEY, school.value.data.recess_times);
    onRecesses(school.value.data.recess_times);
  }
}

export function lastPlace(userId: number): string | null {
  const p = stored<string>(LAST_PLACE_KEY + userId);
  return typeof p === 'string' ? p : null;
}

export function rememberPlace(userId: number, place: string | null): void {
  if (place) store(LAST_PLACE_KEY + userId, place);
}
