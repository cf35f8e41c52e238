/**
 * The outbox: every log is written to IndexedDB first, with an Idempotency-Key generated once,
 * and then sent. Entries survive reloads, closed tabs and logouts; they leave the outbox only
 * when the server has accepted them or the user explicitly discards them.
 */
import * as idb from './idb';

export type OutboxKind = 'incident' | 'observation';

export interface OutboxEntry {
  /** The Idempotency-Key; also the IndexedDB key. */
  id: string;
  kind: OutboxKind;
  body: unknown;
  /** Who saved it: only this user's session may send it (they are its reporter). */
  user_id: number;
  user_name: string;
  /** A human label naming the entry (what and whom) for the badge list and the logout screen. */
  label: string;
  created_at: string;
  attempts: number;
  /** Epoch ms before which no new attempt is made. */
  next_attempt_at: number;
  last_error?: string;
  /** Permanently rejected (a 4xx that a retry will not fix); kept until the user discards it. */
  rejected?: boolean;
}

export type SendResult =
  | { ok: true; id?: number }
  | { ok: false; kind: 'network' | 'retry' | 'auth' | 'rejected'; message: string; retryAfterMs?: number };

export type Sender = (entry: OutboxEntry) => Promise<SendResult>;

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;

/** Exponential backoff with ±20 % jitter: 2 s, 4 s, 8 s … capped at 5 minutes. */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  const jitter = 1 + (random() * 0.4 - 0.2);
  return Math.round(Math.min(MAX_DELAY_MS, exp * jitter));
}

const listeners = new Set<() => void>();

/** Be told whenever the outbox changes (for the waiting badge). */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

function changed(): void {
  listeners.forEach((l) => l());
  try {
    channel?.postMessage('changed');
  } catch {
    /* ignore */
  }
}

// Keep badges in other open tabs in step.
const channel: BroadcastChannel | null =
  typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('trivsel-outbox') : null;
if (channel) channel.onmessage = () => listeners.forEach((l) => l());

export function newKey(): string {
  return crypto.randomUUID();
}

export async function enqueue(input: {
  kind: OutboxKind;
  body: unknown;
  user_id: number;
  user_name: string;
  label: string;
  id?: string;
  now?: number;
}): Promise<OutboxEntry> {
  const now = input.now ?? Date.now();
  const entry: OutboxEntry = {
    id: input.id ?? newKey(),
    kind: input.kind,
    body: input.body,
    user_id: input.user_id,
    user_name: input.user_name,
    label: input.label,
    created_at: new Date(now).toISOString(),
    attempts: 0,
    next_attempt_at: now,
  };
  await idb.put('outbox', entry);
  changed();
  return entry;
}

export async function list(): Promise<OutboxEntry[]> {
  const all = await idb.getAll<OutboxEntry>('outbox');
  return all.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export async function discard(id: string): Promise<void> {
  await idb.del('outbox', id);
  changed();
}

export interface FlushResult {
  sent: number;
  waiting: number;
  authRequired: boolean;
}

let inFlight: Promise<FlushResult> | null = null;

/**
 * Send what is due. One flush at a time per tab, and across tabs through the Web Locks API when the
 * browser has it; should two sends of one entry still race, the Idempotency-Key makes the server
 * record it once.
 */
export function flush(opts: { sender: Sender; userId: number; force?: boolean; now?: () => number }): Promise<FlushResult> {
  // A forced flush (network back, app visible) must not be swallowed by one already running that
  // skipped entries still backing off: run it again right after.
  if (inFlight) return opts.force ? inFlight.then(() => flush(opts)) : inFlight;
  const run = () => flushOnce(opts);
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  inFlight = ((locks ? locks.request('trivsel-outbox', run) : run()) as Promise<FlushResult>).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function flushOnce(opts: {
  sender: Sender;
  userId: number;
  force?: boolean;
  now?: () => number;
}): Promise<FlushResult> {
  const now = opts.now ?? Date.now;
  let sent = 0;
  let authRequired = false;
  const entries = await list();
  for (const entry of entries) {
    if (entry.user_id !== opts.userId || entry.rejected) continue;
    // First in, first out: logs reach the server in the order they were saved.
    if (!opts.force && entry.next_attempt_at > now()) break;
    const result = await attempt(entry, opts.sender, now);
    if (result.ok) {
      sent++;
      continue;
    }
    if (result.kind === 'auth') {
      authRequired = true;
      break; // no point trying the rest without a session
    }
    if (result.kind === 'network') break; // the network is down: the rest would fail the same way
  }
  const waiting = (await list()).filter((e) => e.user_id === opts.userId).length;
  return { sent, waiting, authRequired };
}

/** Send one entry and record the outcome: gone when accepted, backing off or rejected otherwise. */
async function attempt(entry: OutboxEntry, sender: Sender, now: () => number): Promise<SendResult> {
  let result: SendResult;
  try {
    result = await sender(entry);
  } catch (e) {
    result = { ok: false, kind: 'network', message: String(e) };
  }
  if (result.ok) {
    await idb.del('outbox', entry.id);
    changed();
    return result;
  }
  const updated: OutboxEntry = { ...entry, last_error: result.message };
  if (result.kind === 'rejected') {
    updated.rejected = true;
  } else {
    updated.attempts = entry.attempts + 1;
    updated.next_attempt_at = now() + Math.max(result.retryAfterMs ?? 0, backoffDelay(updated.attempts));
  }
  await idb.put('outbox', updated);
  changed();
  return result;
}

/**
 * Send this one entry now, whatever waits before it: a log just saved online is sent at once even when an older
 * one is backing off. Null when the entry is no longer in the outbox (another send took it, or it was discarded).
 */
export async function sendOne(opts: { id: string; sender: Sender; userId: number; now?: () => number }): Promise<SendResult | null> {
  const run = async (): Promise<SendResult | null> => {
    const entry = await idb.get<OutboxEntry>('outbox', opts.id);
    if (!entry || entry.user_id !== opts.userId) return null;
    if (entry.rejected) return { ok: false, kind: 'rejected', message: entry.last_error ?? '' };
    return attempt(entry, opts.sender, opts.now ?? Date.now);
  };
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return (locks ? locks.request('trivsel-outbox', run) : run()) as Promise<SendResult | null>;
}

/** When the next entry of this user becomes due (epoch ms), or null when none is waiting. */
export async function nextDue(userId: number): Promise<number | null> {
  const due = (await list())
    .filter((e) => e.user_id === userId && !e.rejected)
    .map((e) => e.next_attempt_at);
  return due.length ? Math.min(...due) : null;
}

/** How the outbox treats a response status: done, try again later, needs login, or rejected for good. */
export function classify(status: number, retryAfter: string | null, message: string): SendResult {
  if (status >= 200 && status < 300) return { ok: true };
  if (status === 401) return { ok: false, kind: 'auth', message };
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) {
    const seconds = Number(retryAfter);
    return { ok: false, kind: 'retry', message, retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined };
  }
  return { ok: false, kind: 'rejected', message };
}

