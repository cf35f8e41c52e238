/** Sends the outbox: on save, on start, when the network returns, when the app becomes visible, and on backoff timers. */
import { api } from '../api/client';
import type { Schemas } from '../api/types';
import * as outbox from './outbox';
import { classify } from './outbox';
import type { OutboxEntry, OutboxKind, SendResult } from './outbox';
import { toProblem } from './problems';

/** A log the server accepted in this tab: its kind and the id the server gave it (for "Fortryd"). */
export interface SentLog {
  kind: OutboxKind;
  id: number;
}
const sentLogs = new Map<string, SentLog>();

/** The server's record of a log sent from this tab, by its outbox key. */
export function sentLog(key: string): SentLog | undefined {
  return sentLogs.get(key);
}

export async function sendEntry(entry: OutboxEntry): Promise<SendResult> {
  const headers = { 'Idempotency-Key': entry.id };
  let result: { data?: { id: number }; error?: unknown; response: Response };
  try {
    if (entry.kind === 'incident') {
      result = await api.POST('/api/v1/incidents', { body: entry.body as Schemas['IncidentCreate'], headers });
    } else {
      result = await api.POST('/api/v1/observations', { body: entry.body as Schemas['ObservationCreate'], headers });
    }
  } catch (e) {
    return { ok: false, kind: 'network', message: String(e) };
  }
  const { response, error, data } = result;
  if (response.ok && data) sentLogs.set(entry.id, { kind: entry.kind, id: data.id });
  const outcome = classify(response.status, response.headers.get('Retry-After'), error ? toProblem(response.status, error).message : String(response.status));
  return outcome.ok ? { ok: true, id: data?.id } : outcome;
}

export type SendNow = 'sent' | 'waiting' | 'rejected';

/** Send the log just saved at once (ahead of older ones backing off), then the rest; say where it is. */
export async function sendNow(key: string): Promise<SendNow> {
  const userId = currentUserId;
  if (userId === null) return 'waiting';
  let state: SendNow = 'waiting';
  if (typeof navigator === 'undefined' || navigator.onLine !== false) {
    const result = await outbox.sendOne({ id: key, sender: sendEntry, userId });
    if (result === null) state = sentLogs.has(key) ? 'sent' : 'waiting';
    else if (result.ok) state = 'sent';
    else if (result.kind === 'rejected') state = 'rejected';
    else if (result.kind === 'auth') onAuthRequired();
  }
  void syncNow();
  return state;
}

let currentUserId: number | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let onAuthRequired: () => void = () => {};

/** Send what is due now (or everything, when forced) and plan the next attempt. */
export async function syncNow(force = false): Promise<void> {
  const userId = currentUserId;
  if (userId === null) return;
  if (typeof navigator !== 'undefined' && navigator.onLine === false && !force) return schedule(userId);
  const result = await outbox.flush({ sender: sendEntry, userId, force });
  if (result.authRequired) onAuthRequired();
  await schedule(userId);
}

async function schedule(userId: number): Promise<void> {
  clearTimeout(timer);
  const due = await outbox.nextDue(userId);
  if (due === null || currentUserId !== userId) return;
  timer = setTimeout(() => void syncNow(), Math.max(1000, due - Date.now()));
}

const onOnline = () => void syncNow(true);
const onVisible = () => {
  if (document.visibilityState === 'visible') void syncNow(true);
};

/** Start sending for this user; returns a stop function (logout). */
export function startSync(userId: number, authRequired: () => void): () => void {
  currentUserId = userId;
  onAuthRequired = authRequired;
  window.addEventListener('online', onOnline);
  document.addEventListener('visibilitychange', onVisible);
  void syncNow(true);
  return () => {
    currentUserId = null;
    clearTimeout(timer);
    window.removeEventListener('online', onOnline);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
