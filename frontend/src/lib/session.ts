/**
 * The signed-in user. The user (never child data) is remembered in localStorage so the app opens
 * offline after a reload and the outbox knows whose entries it may send; logout forgets it.
 */
import { api, refreshSession } from '../api/client';
import type { Read } from '../api/types';
import * as idb from './idb';
import { clearRecent } from './recent';

export type User = Read<'MeRead'>;

const USER_KEY = 'trivsel.user';
/** The last login's e-mail (an adult's, not child data): kept after logout so the next login is quicker. */
const EMAIL_KEY = 'trivsel.lastEmail';
/** Set when logout could not reach the server: the session cookies are ended as soon as it can. */
const PENDING_LOGOUT_KEY = 'trivsel.pendingLogout';

export function cachedUser(): User | null {
  try {
    const raw = localStorage.getItem(USER_KEY);
    return raw ? (JSON.parse(raw) as User) : null;
  } catch {
    return null;
  }
}

export function rememberUser(user: User): void {
  localStorage.setItem(USER_KEY, JSON.stringify(user));
  localStorage.setItem(EMAIL_KEY, user.email);
}

export function lastEmail(): string {
  return localStorage.getItem(EMAIL_KEY) ?? '';
}


export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'credentials' | 'password_disabled' | 'rate_limited' | 'offline' | 'error'; retryAfter?: number };

export async function login(email: string, password: string): Promise<LoginResult> {
  try {
    const { data, response } = await api.POST('/api/v1/auth/login', {
      body: { email, password, use_cookies: true },
    });
    if (data) {
      const user = data.user;
      localStorage.removeItem(PENDING_LOGOUT_KEY); // the new login replaced the old cookies
      rememberUser(user);
      return { ok: true, user };
    }
    if (response.status === 429) {
      return { ok: false, reason: 'rate_limited', retryAfter: Number(response.headers.get('Retry-After') ?? 60) };
    }
    if (response.status === 403) return { ok: false, reason: 'password_disabled' };
    return { ok: false, reason: response.status === 401 || response.status === 422 ? 'credentials' : 'error' };
  } catch {
    return { ok: false, reason: 'offline' };
  }
}

/** Check the session with the server; 'offline' keeps the cached user. */
export async function whoAmI(): Promise<User | null | 'offline'> {
  try {
    const { data, response } = await api.GET('/api/v1/auth/me');
    if (data) {
      rememberUser(data);
      return data;
    }
    if (response.status === 401 && (await refreshSession())) {
      const again = await api.GET('/api/v1/auth/me');
      if (again.data) {
        rememberUser(again.data);
        return again.data;
      }
    }
    return response.status >= 500 ? 'offline' : null;
  } catch {
    return 'offline';
  }
}

/**
 * Log out: end the server session, forget the user and every cached piece of child data. The outbox stays.
 * Returns where the browser should go to end the identity provider's session too (an SSO login), if anywhere.
 */
export async function logout(): Promise<string | null> {
  let endSessionUrl: string | null = null;
  try {
    const { data, response } = await api.POST('/api/v1/auth/sso/logout');
    if (data) endSessionUrl = data.end_session_url;
    else if (response.status !== 401) localStorage.setItem(PENDING_LOGOUT_KEY, '1');
  } catch {
    // Offline: end the server session when the network returns (see finishPendingLogout).
    localStorage.setItem(PENDING_LOGOUT_KEY, '1');
  }
  localStorage.removeItem(USER_KEY);
  await forgetCachedData();
  return endSessionUrl;
}

/** Forget cached child data (recent students, the offline roster); the outbox is kept. */
export async function forgetCachedData(): Promise<void> {
  clearRecent();
  try {
    await idb.clear('roster');
  } catch {
    /* ignore */
  }
}

/** End a server session whose logout happened offline; called on start and when the network returns. */
export async function finishPendingLogout(): Promise<void> {
  if (!localStorage.getItem(PENDING_LOGOUT_KEY) || localStorage.getItem(USER_KEY)) return;
  try {
    const { response } = await api.POST('/api/v1/auth/logout');
    if (response.ok || response.status === 401) localStorage.removeItem(PENDING_LOGOUT_KEY);
  } catch {
    /* still offline */
  }
}
