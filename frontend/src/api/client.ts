/**
 * The API client: openapi-fetch typed by the schema generated from openapi/openapi.json, so a
 * breaking change of the spec breaks `tsc`. Session cookies are httpOnly; every non-GET request
 * carries the CSRF value from the readable cookie, and a 401 triggers one cookie refresh and a
 * retry with the fresh CSRF value.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export function readCookie(name: string): string | null {
  const prefix = name + '=';
  for (const part of document.cookie.split(';')) {
    const c = part.trim();
    if (c.startsWith(prefix)) return decodeURIComponent(c.slice(prefix.length));
  }
  return null;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const REFRESH_URL = '/api/v1/auth/refresh';

function withCsrf(req: Request): Request {
  if (!SAFE.has(req.method)) {
    const token = readCookie('csrf_access_token');
    if (token) req.headers.set('X-CSRF-TOKEN', token);
  }
  return req;
}

let refreshing: Promise<boolean> | null = null;
const authLostListeners = new Set<() => void>();

/** Be told when the session is gone for good (refresh failed): show the login screen. */
export function onAuthLost(listener: () => void): () => void {
  authLostListeners.add(listener);
  return () => void authLostListeners.delete(listener);
}

/**
 * Trade the refresh cookie for new access cookies; concurrent callers share one request. Refresh tokens
 * work once (a reuse ends the login), so tabs take turns through a Web Lock, and a tab that finds the
 * refresh cookie already rotated by another tab uses the new cookies instead of refreshing again.
 */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    const before = readCookie('csrf_refresh_token');
    const run = async (): Promise<boolean> => {
      if (before !== null && readCookie('csrf_refresh_token') !== before) return true;
      const r = await fetch(REFRESH_URL, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRF-TOKEN': readCookie('csrf_refresh_token') ?? '' },
      });
      return r.ok;
    };
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    refreshing = ((locks ? locks.request('trivsel-refresh', run) : run()) as Promise<boolean>)
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

/** The fetch used by the typed client: CSRF on writes, one refresh-and-retry on 401. */
export async function authFetch(req: Request): Promise<Response> {
  const spare = req.clone(); // the body can be read once; keep a copy for the retry
  const res = await fetch(withCsrf(req));
  if (res.status !== 401 || new URL(req.url).pathname.startsWith('/api/v1/auth/')) return res;
  if (!(await refreshSession())) {
    authLostListeners.forEach((l) => l());
    return res;
  }
  return fetch(withCsrf(spare));
}

export const api = createClient<paths>({
  baseUrl: typeof location !== 'undefined' ? location.origin : 'http://localhost',
  credentials: 'same-origin',
  fetch: authFetch,
});

/** The API's one error shape; `type` is the stable kind to branch on, `errors` is keyed by field name. */
export type ApiError = Partial<components['schemas']['Error']>;

/** A short human message from the API's error shape. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as ApiError;
    const details = e.errors ? ' ' + JSON.stringify(e.errors) : '';
    return (e.message ?? e.status ?? 'error') + details;
  }
  return String(error);
}
