/** Small shared pieces: outbox hooks and list, online state, data loading, labelled fields, problems, confirmations and chip groups. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { problemOf, type Problem } from './api/client';
import { formatDateTime } from './lib/dates';
import { getLang, t, type Key } from './lib/i18n';
import * as outbox from './lib/outbox';
import type { OutboxEntry } from './lib/outbox';
import { currentPath } from './lib/router';
import { signInProviders, signInUrl, type ProviderButton } from './lib/sso';
import { syncNow } from './lib/sync';

export function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(navigator.onLine);
    window.addEventListener('online', on);
    window.addEventListener('offline', on);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', on);
    };
  }, []);
  return online;
}

export function useOutbox(): OutboxEntry[] {
  const [entries, setEntries] = useState<OutboxEntry[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () =>
      outbox
        .list()
        .then((e) => alive && setEntries(e))
        .catch(() => {});
    load();
    const unsub = outbox.subscribe(load);
    return () => {
      alive = false;
      unsub();
    };
  }, []);
  return entries;
}

/** The unsent logs, each named, with discard; `userId` marks which ones this session can send. */
export function OutboxList({ entries, userId }: { entries: OutboxEntry[]; userId: number | null }) {
  const [confirm, dialog] = useConfirm();
  if (!entries.length) return <p>{t('outbox_empty')}</p>;
  const lang = getLang();
  return (
    <>
    {dialog}
    <ul class="list outbox-list">
      {entries.map((e) => (
        <li key={e.id} class={e.rejected ? 'card rejected' : 'card'}>
          <div class="row-main">
            <strong>{e.label}</strong>
            <span class="muted">{formatDateTime(e.created_at, lang)}</span>
            {e.user_id !== userId && <span class="muted">{t('outbox_other_user', { name: e.user_name })}</span>}
            {e.rejected && <span class="error-text">{t('outbox_failed', { msg: e.last_error ?? '' })}</span>}
            {!e.rejected && e.user_id === userId && e.attempts > 0 && (
              <span class="muted">{t('outbox_retry_at', { time: formatDateTime(new Date(e.next_attempt_at), lang) })}</span>
            )}
          </div>
          <button
            type="button"
            class="btn secondary"
            onClick={async () => {
              const ok = await confirm({ title: t('outbox_discard_title'), body: t('outbox_discard_confirm'), action: t('outbox_discard') });
              if (ok) void outbox.discard(e.id);
            }}
          >
            {t('outbox_discard')}
          </button>
        </li>
      ))}
    </ul>
    </>
  );
}

export function OutboxScreen({ userId }: { userId: number }) {
  const entries = useOutbox();
  return (
    <>
      <h1>{t('outbox_title')}</h1>
      {entries.some((e) => e.user_id === userId && !e.rejected) && (
        <button type="button" class="btn primary" onClick={() => void syncNow(true)}>
          {t('outbox_send_now')}
        </button>
      )}
      <OutboxList entries={entries} userId={userId} />
    </>
  );
}

export interface Loaded<T> {
  data: T | null;
  /** The response's ETag, for a later If-Match. */
  etag: string | null;
  error: string | null;
  /** The error's API `type` (e.g. step_up_required), when the server sent one. */
  errorType?: string | null;
  loading: boolean;
  reload: () => void;
}

/** Load data with an openapi-fetch call; re-runs when deps change. */
export function useLoad<T>(fn: () => Promise<{ data?: T; error?: unknown; response: Response }>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; etag: string | null; error: string | null; errorType?: string | null; loading: boolean }>({
    data: null,
    etag: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    setState((s) => ({ ...s, loading: true }));
    fn()
      .then(({ data, error, response }) => {
        if (!alive) return;
        if (data !== undefined) setState({ data, etag: response.headers.get('ETag'), error: null, loading: false });
        else {
          const problem = problemOf(response.status, error);
          setState({ data: null, etag: null, error: problem.message, errorType: problem.type, loading: false });
        }
      })
      .catch(() => alive && setState({ data: null, etag: null, error: t('error_offline'), loading: false }));
    return () => {
      alive = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** Loading and error states around loaded content. */
export function Async<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (state.errorType === 'step_up_required') return <StepUp />;
  if (state.error)
    return (
      <div class="notice error" role="alert">
        <p>{state.error}</p>
        <button type="button" class="btn secondary" onClick={state.reload}>
          {t('reload')}
        </button>
      </div>
    );
  if (state.loading && state.data === null) return <p aria-live="polite">{t('loading')}</p>;
  return <>{state.data !== null && children(state.data)}</>;
}

// `total` is absent only from a change-feed (cursor) answer, which the screens never ask for.
export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total?: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil((total ?? 0) / pageSize));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t('page_of', { p: page, n: pages })}>
      <button type="button" class="btn secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('page_prev')}
      </button>
      <span>{t('page_of', { p: page, n: pages })}</span>
      <button type="button" class="btn secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('page_next')}
      </button>
    </nav>
  );
}

/** Case work at a school that wants two factors, from a one-factor login: sign in again with the second factor
 * at the provider, and come back to this screen. */
export function StepUp() {
  const [providers, setProviders] = useState<ProviderButton[]>([]);
  useEffect(() => void signInProviders().then(setProviders), []);
  return (
    <section class="notice error stack" role="alert" aria-labelledby="step-up-h">
      <h2 id="step-up-h">{t('step_up_title')}</h2>
      <p>{t('step_up_text')}</p>
      {providers.map((p) => (
        <a key={p.id} class="btn primary" href={signInUrl(p.id, { stepUp: true, next: currentPath() })}>
          {t('step_up_button', { name: p.name })}
        </a>
      ))}
    </section>
  );
}

/** A labelled form control: `<label class="field">` with its text in a span, then the control, then its error. */
export function Field({ label, class: cls, error, children }: { label: ComponentChildren; class?: string; error?: string | null; children: ComponentChildren }) {
  return (
    <label class={cls ? `field ${cls}` : 'field'}>
      <span>{label}</span>
      {children}
      {error && <span class="field-error">{error}</span>}
    </label>
  );
}

/** An error shown right under what it is about (a row of chips, the mood faces). */
export function FieldError({ id, text }: { id?: string; text: string | null | undefined }) {
  if (!text) return null;
  return (
    <p id={id} class="field-error" role="alert">
      {text}
    </p>
  );
}

/** A problem's message, plus the field errors no field on the form shows (`shown`), each with its field's name. */
export function ProblemNotice({ problem, shown = [] }: { problem: Problem | null; shown?: readonly string[] }) {
  if (!problem) return null;
  if (problem.type === 'step_up_required') return <StepUp />;
  const rest = Object.entries(problem.fields).filter(([f]) => !f.includes('.') && !shown.includes(f));
  return (
    <div class="notice error" role="alert">
      <p>{problem.message}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map(([f, msg]) => (
            <li key={f}>
              {fieldLabel(f)}: {msg}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A field's name for people ("field_email" in the dictionary), or the API's name when there is none. */
export function fieldLabel(field: string): string {
  const key = `field_${field}` as Key;
  const text = t(key);
  return text === key ? field : text;
}

export interface ConfirmText {
  title: string;
  /** What will happen, said before it does. */
  body: ComponentChildren;
  /** The button that does it. */
  action: string;
}

/** Ask before an irreversible step: `await confirm(text)` is true when the user chose the action. Render `dialog`. */
export function useConfirm(): [(text: ConfirmText) => Promise<boolean>, ComponentChildren] {
  const [asking, setAsking] = useState<{ text: ConfirmText; resolve: (ok: boolean) => void } | null>(null);
  const confirm = useCallback((text: ConfirmText) => new Promise<boolean>((resolve) => setAsking({ text, resolve })), []);
  const dialog = asking && (
    <ConfirmDialog
      {...asking.text}
      onDone={(ok) => {
        asking.resolve(ok);
        setAsking(null);
      }}
    />
  );
  return [confirm, dialog];
}

function ConfirmDialog({ title, body, action, onDone }: ConfirmText & { onDone: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    opener.current = document.activeElement;
    ref.current?.showModal();
    return () => (opener.current as HTMLElement | null)?.focus?.();
  }, []);
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      onCancel={(e) => {
        e.preventDefault();
        onDone(false);
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <div id="confirm-body">{body}</div>
      <div class="chips-row">
        <button type="button" class="btn danger" onClick={() => onDone(true)}>
          {action}
        </button>
        {/* The safe choice has the focus. */}
        <button type="button" class="btn secondary" autoFocus onClick={() => onDone(false)}>
          {t('cancel')}
        </button>
      </div>
    </dialog>
  );
}

/** A labelled checkbox: `<label class="check"><input type="checkbox"/><span>label</span></label>`. */
export function Check({ label, checked, onChange, describedBy }: { label: ComponentChildren; checked: boolean; onChange: (checked: boolean) => void; describedBy?: string }) {
  return (
    <label class="check">
      <input type="checkbox" checked={checked} aria-describedby={describedBy} onChange={(e) => onChange(e.currentTarget.checked)} />
      <span>{label}</span>
    </label>
  );
}

interface ChipsProps<T extends string> {
  options: readonly T[];
  /** The chip's text. */
  text: (o: T) => string;
  /** Wrap the row in `<fieldset class="plain">` (or `fieldsetClass`) with this legend. */
  legend?: ComponentChildren;
  fieldsetClass?: string;
  /** Or name the row itself, as `role="group"`. */
  groupLabel?: string;
  groupLabelledBy?: string;
}

/** A `.chips-row` of `button.tag`s, each `aria-pressed` when `isOn`. */
export function Chips<T extends string>({
  options,
  text,
  isOn,
  onPick,
  legend,
  fieldsetClass = 'plain',
  groupLabel,
  groupLabelledBy,
}: ChipsProps<T> & { isOn: (o: T) => boolean; onPick: (o: T) => void }) {
  const named = groupLabel !== undefined || groupLabelledBy !== undefined;
  const row = (
    <div class="chips-row" role={named ? 'group' : undefined} aria-label={groupLabel} aria-labelledby={groupLabelledBy}>
      {options.map((o) => (
        <button key={o} type="button" class="tag" aria-pressed={isOn(o)} onClick={() => onPick(o)}>
          {text(o)}
        </button>
      ))}
    </div>
  );
  if (legend === undefined) return row;
  return (
    <fieldset class={fieldsetClass}>
      <legend>{legend}</legend>
      {row}
    </fieldset>
  );
}

/** Chips that each toggle their option in or out of the `value` list. */
export function ToggleChips<T extends string>({ value, onChange, ...rest }: ChipsProps<T> & { value: readonly T[]; onChange: (v: T[]) => void }) {
  return (
    <Chips
      {...rest}
      isOn={(o) => value.includes(o)}
      onPick={(o) => onChange(value.includes(o) ? value.filter((x) => x !== o) : [...value, o])}
    />
  );
}
