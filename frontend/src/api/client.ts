/**
 * The API client: openapi-fetch typed by the schema generated from openapi/openapi.json, so a
 * breaking change of the spec breaks `tsc`. Session cookies are httpOnly; every non-GET request
 * carries the CSRF value from the readable cookie, and a 401 triggers one cookie refresh and a
 * retry with the fresh CSRF value.
 */
import createClient from 'openapi-fetch';
import { useCallback, useRef, useState } from 'preact/hooks';
import { offlineProblem, toProblem, type Problem } from '../lib/problems';
import type { paths } from './schema';

export type { Problem };

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

/** A finished write: the body and the ETag it answered with, or the problem in the reader's language. */
export type Sent<T> = { ok: true; status: number; data: T; etag: string | null } | { ok: false; status: number; problem: Problem };

type Call<T> = (headers: Record<string, string>) => Promise<{ data?: T; error?: unknown; response: Response }>;

/**
 * The one way a screen writes: run the typed call (passing it the Idempotency-Key header to send, when the form
 * has one) and turn the answer into data or a Problem. Give the key the form got when it opened, not a new one
 * per send: a send whose answer was lost and is sent again is then recorded once.
 */
export async function write<T>(call: Call<T>, idempotencyKey?: string): Promise<Sent<T>> {
  try {
    const { data, error, response } = await call(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {});
    if (response.ok) return { ok: true, status: response.status, data: data as T, etag: response.headers.get('ETag') };
    return { ok: false, status: response.status, problem: toProblem(response.status, error) };
  } catch {
    return { ok: false, status: 0, problem: offlineProblem() };
  }
}

export interface Writer {
  /** Send once at a time: a second tap while one is under way is ignored. Null when ignored. */
  run: <T>(call: Call<T>) => Promise<Sent<T> | null>;
  busy: boolean;
  problem: Problem | null;
  setProblem: (p: Problem | null) => void;
  /** The form's Idempotency-Key: fixed while the form is open, a new one after each success. */
  key: string;
}

/** A form's writer: one Idempotency-Key from when the form opens until a send succeeds, busy while sending. */
export function useWriter(): Writer {
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const sending = useRef(false);
  const run = useCallback(
    async <T,>(call: Call<T>): Promise<Sent<T> | null> => {
      if (sending.current) return null;
      sending.current = true;
      setBusy(true);
      setProblem(null);
      const result = await write(call, key);
      sending.current = false;
      setBusy(false);
      if (result.ok) setKey(newIdempotencyKey());
      else setProblem(result.problem);
      return result;
    },
    [key],
  );
  return { run, busy, problem, setProblem, key };
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** The problem in an answer that was not a write (a load), in the reader's language. */
export function problemOf(status: number, error: unknown): Problem {
  return toProblem(status, error);
}
