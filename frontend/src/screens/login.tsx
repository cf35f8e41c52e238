import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import type { OutboxEntry } from '../lib/outbox';
import { lastEmail, login, whoAmI, type User } from '../lib/session';
import { signInProviders, signInUrl, takeSsoReturn, type ProviderButton } from '../lib/sso';
import { Field } from '../ui';

/** What waits on the phone, said as a count: whoever holds the phone now may not see whom the logs are about. */
function pendingText(waiting: OutboxEntry[]): string {
  const authors = new Set(waiting.map((e) => e.user_id));
  if (authors.size > 1) return t('logged_out_pending_others', { n: waiting.length });
  const name = waiting[0].user_name;
  return waiting.length === 1 ? t('logged_out_pending_one', { name }) : t('logged_out_pending_many', { n: waiting.length, name });
}

export function Login({ previous, waiting, onLoggedIn }: { previous: User | null; waiting: OutboxEntry[]; onLoggedIn: (u: User) => void }) {
  const [email, setEmail] = useState(previous?.email ?? lastEmail());
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sso] = useState(takeSsoReturn);
  const [providers, setProviders] = useState<ProviderButton[]>([]);

  useEffect(() => {
    void signInProviders().then(setProviders);
    // Back from a provider with the session cookies set: who signed in?
    if (sso.ok)
      void whoAmI().then((u) => {
        if (u && u !== 'offline') onLoggedIn(u);
      });
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await login(email.trim(), password);
    setBusy(false);
    if (r.ok) return onLoggedIn(r.user);
    setError(
      r.reason === 'credentials'
        ? t('login_failed')
        : r.reason === 'password_disabled'
          ? t('password_login_disabled')
        : r.reason === 'rate_limited'
          ? t('login_rate_limited', { s: r.retryAfter ?? 60 })
          : r.reason === 'offline'
            ? t('login_offline')
            : t('error_generic'),
    );
  }

  return (
    <>
      <h1>{t('login_title')}</h1>
      {sso.error && (
        <section class="notice error" role="alert" aria-labelledby="sso-refused-h">
          <h2 id="sso-refused-h">{t('sso_refused_title')}</h2>
          <p>{t(sso.error)}</p>
        </section>
      )}
      {providers.length > 0 && (
        <div class="stack">
          {providers.map((p) => (
            <a key={p.id} class="btn primary big" href={signInUrl(p.id)}>
              {t('sso_login_with', { name: p.name })}
            </a>
          ))}
          <p>{t('sso_or_password')}</p>
        </div>
      )}
      <form class="stack" onSubmit={submit}>
        <Field label={t('email')}>
          <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </Field>
        <Field label={t('password')}>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            autoFocus={!!email}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        {error && (
          <p class="notice error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn primary big" disabled={busy}>
          {t('login_button')}
        </button>
      </form>
      {waiting.length > 0 && (
        <section class="stack" aria-labelledby="pending-h">
          <h2 id="pending-h">{t('outbox_title')}</h2>
          <p>{pendingText(waiting)}</p>
        </section>
      )}
    </>
  );
}
