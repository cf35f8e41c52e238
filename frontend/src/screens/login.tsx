import { useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import type { OutboxEntry } from '../lib/outbox';
import { login, type User } from '../lib/session';
import { Field, OutboxList } from '../ui';

export function Login({
  previous,
  entries,
  onLoggedIn,
}: {
  previous: User | null;
  entries: OutboxEntry[];
  onLoggedIn: (u: User) => void;
}) {
  const [email, setEmail] = useState(previous?.email ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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
      <form class="stack" onSubmit={submit}>
        <Field label={t('email')}>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('password')}>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
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
      {entries.length > 0 && (
        <section class="stack" aria-labelledby="pending-h">
          <h2 id="pending-h">{t('outbox_title')}</h2>
          <p>{t('logged_out_pending', { n: entries.length, name: entries[0].user_name })}</p>
          <OutboxList entries={entries} userId={null} />
        </section>
      )}
    </>
  );
}
