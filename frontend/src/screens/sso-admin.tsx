/** Administration of single sign-on: the school's login rules, its identity providers, and which login is whose. */
import { useEffect, useState } from 'preact/hooks';
import { api, useWriter } from '../api/client';
import type { Read } from '../api/types';
import { t } from '../lib/i18n';
import type { User } from '../lib/session';
import { Async, Check, Field, ProblemNotice, useConfirm, useLoad } from '../ui';

type Provider = Read<'ProviderRead'>;
type Preset = 'unilogin' | 'oidc';

type Rules = { password_login?: boolean; case_work_requires_two_factor?: boolean };

function SchoolRules() {
  const school = useLoad(() => api.GET('/api/v1/schools/current'), []);
  const writer = useWriter();
  const [saved, setSaved] = useState(false);
  // The ticked value while its save is on the way (the box shows it, not the stored one, until the school is read
  // again); a refused save puts the stored value back and says why.
  const [pending, setPending] = useState<Rules>({});
  async function change(body: Rules) {
    if (!school.etag) return;
    setSaved(false);
    setPending((p) => ({ ...p, ...body }));
    const r = await writer.run(() => api.PATCH('/api/v1/schools/current', { params: { header: { 'If-Match': school.etag! } }, body }));
    if (r?.ok) setSaved(true);
    school.reload();
  }
  // The school read again (saved or refused): the box shows what is stored.
  useEffect(() => setPending({}), [school.data]);
  return (
    <section class="stack card" aria-labelledby="sso-rules-h">
      <h2 id="sso-rules-h">{t('sso_admin_school_settings')}</h2>
      <Async state={school}>
        {(s) => (
          <>
            <Check label={t('sso_admin_password_login')} checked={pending.password_login ?? s.password_login} onChange={(v) => void change({ password_login: v })} />
            <Check label={t('sso_admin_two_factor')} checked={pending.case_work_requires_two_factor ?? s.case_work_requires_two_factor} onChange={(v) => void change({ case_work_requires_two_factor: v })} />
          </>
        )}
      </Async>
      <ProblemNotice problem={writer.problem} />
      {saved && (
        <p class="notice ok" role="status">
          {t('sso_admin_saved')}
        </p>
      )}
    </section>
  );
}

function NewProvider({ onCreated }: { onCreated: () => void }) {
  const [preset, setPreset] = useState<Preset>('unilogin');
  const [name, setName] = useState('Unilogin');
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [emailLinking, setEmailLinking] = useState(false);
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};
  async function submit(e: Event) {
    e.preventDefault();
    const body = { preset, name, issuer, client_id: clientId, client_secret: secret, allow_email_linking: emailLinking };
    const r = await writer.run(() => api.POST('/api/v1/sso/providers', { body }));
    if (r?.ok) {
      setSecret('');
      onCreated();
    }
  }
  return (
    <form class="stack card" onSubmit={submit}>
      <h3>{t('sso_admin_new')}</h3>
      <Field label={t('sso_admin_preset')}>
        <select value={preset} onChange={(e) => setPreset(e.currentTarget.value as Preset)}>
          <option value="unilogin">{t('sso_preset_unilogin')}</option>
          <option value="oidc">{t('sso_preset_oidc')}</option>
        </select>
      </Field>
      <Field label={t('sso_admin_name')} error={fields.name}>
        <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t('sso_admin_issuer')} error={fields.issuer}>
        <input type="url" required maxLength={500} value={issuer} onInput={(e) => setIssuer(e.currentTarget.value)} />
      </Field>
      <Field label={t('sso_admin_client_id')} error={fields.client_id}>
        <input required maxLength={200} value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} />
      </Field>
      <Field label={t('sso_admin_client_secret')} error={fields.client_secret}>
        <input type="password" autoComplete="off" required maxLength={500} value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
      </Field>
      <Check label={t('sso_admin_email_linking')} checked={emailLinking} onChange={setEmailLinking} />
      <ProblemNotice problem={writer.problem} shown={['name', 'issuer', 'client_id', 'client_secret']} />
      <button type="submit" class="btn primary" disabled={writer.busy}>
        {t('sso_admin_create')}
      </button>
    </form>
  );
}

function ProviderCard({ p }: { p: Provider }) {
  return (
    <li class="card stack">
      <strong>{p.name}</strong>
      <span>
        {p.preset === 'unilogin' ? t('sso_preset_unilogin') : t('sso_preset_oidc')}
        {p.scope === 'deployment' ? ` · ${t('sso_admin_deployment')}` : ''}
        {p.enabled ? ` · ${t('sso_admin_enabled')}` : ''}
      </span>
      <span>
        {t('sso_admin_issuer')}: {p.issuer}
      </span>
      <span>
        {t('sso_admin_client_id')}: {p.client_id}
      </span>
      {p.has_client_secret && <span>{t('sso_admin_secret_set')}</span>}
      <span>
        {t('sso_admin_redirect_uri')}: <code>{p.redirect_uri}</code>
      </span>
    </li>
  );
}

function Links({ providers }: { providers: Provider[] }) {
  const links = useLoad(() => api.GET('/api/v1/sso/links', { params: { query: { page_size: 100 } } }), []);
  const users = useLoad(() => api.GET('/api/v1/users', { params: { query: { page_size: 100, active: true } } }), []);
  const [userId, setUserId] = useState('');
  const [providerId, setProviderId] = useState(providers[0] ? String(providers[0].id) : '');
  const [subject, setSubject] = useState('');
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};
  const nameOf = (id: number) => users.data?.items.find((u) => u.id === id)?.name ?? `#${id}`;
  const providerName = (id: number) => providers.find((p) => p.id === id)?.name ?? `#${id}`;
  async function submit(e: Event) {
    e.preventDefault();
    const body = { user_id: Number(userId), provider_id: Number(providerId), subject };
    const r = await writer.run(() => api.POST('/api/v1/sso/links', { body }));
    if (r?.ok) {
      setSubject('');
      links.reload();
    }
  }
  const [confirm, dialog] = useConfirm();
  async function unlink(id: number, name: string) {
    // Removing a link ends every login of the user (the API's delete_link), so it is asked first.
    const ok = await confirm({ title: t('sso_admin_unlink_title', { name }), body: t('sso_admin_unlink_body', { name }), action: t('sso_admin_unlink') });
    if (!ok) return;
    const r = await writer.run(() => api.DELETE('/api/v1/sso/links/{link_id}', { params: { path: { link_id: id } } }));
    if (r?.ok) links.reload();
  }
  return (
    <section class="stack" aria-labelledby="sso-links-h">
      <h2 id="sso-links-h">{t('sso_admin_links')}</h2>
      <form class="stack card" onSubmit={submit}>
        <Field label={t('sso_admin_link_user')} error={fields.user_id}>
          <select required value={userId} onChange={(e) => setUserId(e.currentTarget.value)}>
            <option value="" />
            {(users.data?.items ?? []).map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.name} ({u.email})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('sso_admin_link_provider')} error={fields.provider_id}>
          <select required value={providerId} onChange={(e) => setProviderId(e.currentTarget.value)}>
            {providers.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('sso_admin_link_subject')} error={fields.subject}>
          <input required maxLength={255} value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        </Field>
        <ProblemNotice problem={writer.problem} shown={['user_id', 'provider_id', 'subject']} />
        <button type="submit" class="btn primary" disabled={writer.busy}>
          {t('sso_admin_link_create')}
        </button>
      </form>
      {dialog}
      <Async state={links}>
        {(page) => (
          <ul class="stack">
            {page.items.map((l) => (
              <li key={l.id} class="card">
                {nameOf(l.user_id)} · {providerName(l.provider_id)} · <code>{l.subject}</code>
                {l.linked_by === 'email' ? ` · ${t('sso_admin_linked_by_email')}` : ''}{' '}
                <button
                  type="button"
                  class="btn secondary"
                  aria-label={t('sso_admin_unlink_for', { name: nameOf(l.user_id), subject: l.subject })}
                  onClick={() => void unlink(l.id, nameOf(l.user_id))}
                >
                  {t('sso_admin_unlink')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Async>
    </section>
  );
}

export function SsoAdmin(_: { user: User }) {
  const providers = useLoad(() => api.GET('/api/v1/sso/providers', { params: { query: { page_size: 100 } } }), []);
  return (
    <>
      <h1>{t('sso_admin_title')}</h1>
      <SchoolRules />
      <section class="stack" aria-labelledby="sso-providers-h">
        <h2 id="sso-providers-h">{t('sso_admin_providers')}</h2>
        <Async state={providers}>
          {(page) =>
            page.items.length ? (
              <ul class="stack">
                {page.items.map((p) => (
                  <ProviderCard key={p.id} p={p} />
                ))}
              </ul>
            ) : (
              <p>{t('sso_admin_none')}</p>
            )
          }
        </Async>
        <NewProvider onCreated={providers.reload} />
      </section>
      {providers.data && providers.data.items.length > 0 && <Links providers={providers.data.items} />}
    </>
  );
}
