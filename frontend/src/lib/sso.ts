/**
 * Single sign-on: the providers the login screen offers ("Log ind med Unilogin"), the address that starts a
 * sign-in (a plain navigation: the server sends the browser to the provider and back), and what the sign-in
 * callback said when it sent the browser back (?sso=ok, or ?sso_error=<reason>).
 */
import { api } from '../api/client';
import type { Read } from '../api/types';
import type { Key } from './i18n';

export type ProviderButton = Read<'ProviderButton'>;

let cached: Promise<ProviderButton[]> | null = null;

export function signInProviders(): Promise<ProviderButton[]> {
  cached ??= api
    .GET('/api/v1/auth/sso/providers')
    .then((r) => r.data ?? [])
    .catch(() => {
      cached = null;
      return [];
    });
  return cached;
}

export function signInUrl(id: number, opts: { stepUp?: boolean; next?: string } = {}): string {
  const q = new URLSearchParams();
  if (opts.stepUp) q.set('step_up', 'true');
  if (opts.next) q.set('next', opts.next);
  const s = q.toString();
  return `/api/v1/auth/sso/providers/${id}/login${s ? '?' + s : ''}`;
}

const REASONS: Record<string, Key> = {
  unknown_subject: 'sso_error_unknown_subject',
  pupil: 'sso_error_pupil',
  not_staff: 'sso_error_not_staff',
  deactivated: 'sso_error_deactivated',
  wrong_school: 'sso_error_wrong_school',
  token_invalid: 'sso_error_token_invalid',
  provider_error: 'sso_error_provider_error',
};

export interface SsoReturn {
  ok: boolean;
  /** The dictionary key of the refusal's Danish (or English) explanation. */
  error: Key | null;
}

/** What the callback said, read once and then removed from the address bar. */
export function takeSsoReturn(): SsoReturn {
  const params = new URLSearchParams(location.search);
  const ok = params.get('sso') === 'ok';
  const reason = params.get('sso_error');
  if (ok || reason !== null) history.replaceState(null, '', location.pathname + location.hash);
  return { ok, error: reason === null ? null : (REASONS[reason] ?? 'sso_error_token_invalid') };
}
