/** API clients (other school tools): register, see, rotate the secret, revoke. The secret is shown once. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../api/client';
import type { Read } from '../api/types';
import { formatDate, formatDateTime, todayIso } from '../lib/dates';
import { t, tEnum, useLang } from '../lib/i18n';
import type { User } from '../lib/session';
import { Async, Field, FieldError, Pager, ProblemNotice, ToggleChips, useConfirm, useLoad } from '../ui';

type ClientRow = Read<'ApiClientRead'>;
type WithSecret = Read<'ApiClientWithSecret'>;
type Scope = Read<'ApiClientCreate'>['scopes'][number];

/** A year from today, as the default expiry. */
function inAYear(): string {
  const [y, m, d] = todayIso().split('-');
  return `${Number(y) + 1}-${m}-${d}`;
}

/** The secret, shown this once: copy it now. */
function SecretOnce({ client, onClose }: { client: WithSecret; onClose: () => void }) {
  if (!client.client_secret)
    return (
      <p class="notice" role="status">
        {t('apiclient_secret_gone')}
      </p>
    );
  return (
    <div class="notice ok stack" role="status">
      <p>
        <strong>{t('apiclient_secret_once')}</strong>
      </p>
      <Field label={t('apiclient_client_id')}>
        <input readOnly value={client.client_id} />
      </Field>
      <Field label={t('apiclient_secret')}>
        <input readOnly value={client.client_secret} onFocus={(e) => e.currentTarget.select()} />
      </Field>
      <div class="chips-row">
        <button type="button" class="btn secondary" onClick={onClose}>
          {t('apiclient_secret_copied')}
        </button>
      </div>
    </div>
  );
}

function NewClient({ scopes, onCreated }: { scopes: Scope[]; onCreated: (c: WithSecret) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Scope[]>([]);
  const [expires, setExpires] = useState(inAYear());
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};
  if (!open)
    return (
      <button type="button" class="btn primary" onClick={() => setOpen(true)}>
        {t('apiclient_new')}
      </button>
    );
  async function submit(e: Event) {
    e.preventDefault();
    const r = await writer.run((headers) =>
      api.POST('/api/v1/api-clients', {
        params: { header: headers },
        body: { name, scopes: chosen, expires_at: `${expires}T23:59:00` },
      }),
    );
    if (r?.ok) {
      setOpen(false);
      setName('');
      setChosen([]);
      onCreated(r.data as WithSecret);
    }
  }
  return (
    <form class="stack card" onSubmit={submit}>
      <h2>{t('apiclient_new')}</h2>
      <Field label={t('apiclient_name')} error={fields.name}>
        <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <ToggleChips legend={t('apiclient_scopes')} options={scopes} text={(s) => tEnum('scope', s)} value={chosen} onChange={setChosen} />
      <FieldError text={fields.scopes} />
      <Field label={t('apiclient_expires')} error={fields.expires_at}>
        <input type="date" required min={todayIso()} value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
      </Field>
      <ProblemNotice problem={writer.problem} shown={['name', 'scopes', 'expires_at']} />
      <div class="chips-row">
        <button type="submit" class="btn primary" disabled={!chosen.length || writer.busy}>
          {t('apiclient_register')}
        </button>
        <button type="button" class="btn secondary" onClick={() => setOpen(false)}>
          {t('close')}
        </button>
      </div>
    </form>
  );
}

function ClientCard({ client, onSecret, onChanged }: { client: ClientRow; onSecret: (c: WithSecret) => void; onChanged: () => void }) {
  const lang = useLang();
  const writer = useWriter();
  const [confirm, dialog] = useConfirm();
  const active = client.state === 'active';
  async function rotate() {
    const ok = await confirm({
      title: t('apiclient_rotate_title', { name: client.name }),
      body: <p>{t('apiclient_rotate_body')}</p>,
      action: t('apiclient_rotate'),
    });
    if (!ok) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/api-clients/{client_id}/rotate-secret', {
        params: { path: { client_id: client.id }, header: headers },
        body: { grace_hours: 24 },
      }),
    );
    if (r?.ok) {
      onSecret(r.data as WithSecret);
      onChanged();
    }
  }
  async function revoke() {
    const ok = await confirm({
      title: t('apiclient_revoke_title', { name: client.name }),
      body: <p>{t('apiclient_revoke_body')}</p>,
      action: t('apiclient_revoke'),
    });
    if (!ok) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/api-clients/{client_id}/revoke', { params: { path: { client_id: client.id }, header: headers } }),
    );
    if (r?.ok) onChanged();
  }
  return (
    <li class="card stack">
      <h2>{client.name}</h2>
      <p>
        <span class={`badge ${active ? 'ok' : 'muted'}`}>{tEnum('apiclient_state', client.state)}</span>{' '}
        <span class="muted small">{client.client_id}</span>
      </p>
      <p>{client.scopes.map((s) => tEnum('scope', s)).join(', ')}</p>
      <p class="muted small">
        {t('apiclient_expires')}: {formatDate(client.expires_at, lang, false)}
        {client.last_token_at && ` · ${t('apiclient_last_token')}: ${formatDateTime(client.last_token_at, lang)}`}
        {client.previous_secret_expires_at &&
          ` · ${t('apiclient_old_secret_until', { when: formatDateTime(client.previous_secret_expires_at, lang) })}`}
      </p>
      <ProblemNotice problem={writer.problem} />
      {active && (
        <div class="chips-row">
          <button type="button" class="btn secondary" disabled={writer.busy} onClick={rotate}>
            {t('apiclient_rotate')}
          </button>
          <button type="button" class="btn danger" disabled={writer.busy} onClick={revoke}>
            {t('apiclient_revoke')}
          </button>
        </div>
      )}
      {dialog}
    </li>
  );
}

export function ApiClients(_: { user: User }) {
  const [page, setPage] = useState(1);
  const [secret, setSecret] = useState<WithSecret | null>(null);
  const scopes = useLoad(() => api.GET('/api/v1/api-clients/scopes'), []);
  const state = useLoad(() => api.GET('/api/v1/api-clients', { params: { query: { page, page_size: 25 } } }), [page]);
  return (
    <>
      <h1>{t('nav_apiclients')}</h1>
      <p class="muted">{t('apiclient_intro')}</p>
      {secret && <SecretOnce client={secret} onClose={() => setSecret(null)} />}
      <Async state={scopes}>
        {(s) => (
          <NewClient
            scopes={s.scopes.map((x) => x.scope as Scope)}
            onCreated={(c) => {
              setSecret(c);
              state.reload();
            }}
          />
        )}
      </Async>
      <Async state={state}>
        {(data) => {
          if (!data.items.length) return <p>{t('apiclients_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((c) => (
                  <ClientCard key={c.id} client={c} onSecret={setSecret} onChanged={state.reload} />
                ))}
              </ul>
              <Pager page={data.page} pageSize={data.page_size} total={data.total} onPage={setPage} />
            </>
          );
        }}
      </Async>
    </>
  );
}
