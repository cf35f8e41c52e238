/** Sends the outbox: on save, on start, when the network returns, when the app becomes visible, and on backoff timers. */
import { api, errorMessage } from '../api/client';
import * as outbox from './outbox';
import { classify } from './outbox';
import type { OutboxEntry, SendResult } from './outbox';

export async function sendEntry(entry: OutboxEntry): Promise<SendResult> {
  const headers = { 'Idempotency-Key': entry.id };
  let result: { error?: unknown; response: Response };
  try {
    if (entry.kind === 'incident') {
      result = await api.POST('/api/v1/incidents', { body: entry.body as never, headers });
    } else {
      result = await api.POST('/api/v1/observations', { body: entry.body as never, headers });
    }
  } catch (e) {
    return { ok: false, kind: 'network', message: String(e) };
  }
  const { response, error } = result;
  return classify(response.status, response.headers.get('Retry-After'), error ? errorMessage(error) : String(response.status));
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
