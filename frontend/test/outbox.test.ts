import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetDbConnection } from '../src/lib/idb';
import * as outbox from '../src/lib/outbox';
import type { OutboxEntry, SendResult } from '../src/lib/outbox';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
});

const teacher = { user_id: 7, user_name: 'Lærer Lise' };

function recordingSender(results: SendResult[]) {
  const seen: OutboxEntry[] = [];
  const sender = async (e: OutboxEntry) => {
    seen.push(e);
    return results.shift() ?? { ok: true as const };
  };
  return { seen, sender };
}

describe('outbox', () => {
  it('keeps one Idempotency-Key per entry across every retry', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const entry = await outbox.enqueue({ kind: 'incident', body: { a: 1 }, label: 'x', ...teacher, now: clock });
    const { seen, sender } = recordingSender([
      { ok: false, kind: 'network', message: 'offline' },
      { ok: false, kind: 'retry', message: '503' },
      { ok: true },
    ]);
    await outbox.flush({ sender, userId: 7, now });
    clock += 10 * 60_000;
    await outbox.flush({ sender, userId: 7, now });
    clock += 10 * 60_000;
    const res = await outbox.flush({ sender, userId: 7, now });
    expect(seen.map((e) => e.id)).toEqual([entry.id, entry.id, entry.id]);
    expect(res).toEqual({ sent: 1, waiting: 0, authRequired: false });
    expect(await outbox.list()).toEqual([]);
  });

  it('does not retry before the backoff has passed unless forced', async () => {
    let clock = 5_000;
    await outbox.enqueue({ kind: 'incident', body: {}, label: 'x', ...teacher, now: clock });
    const { seen, sender } = recordingSender([{ ok: false, kind: 'retry', message: '500' }]);
    await outbox.flush({ sender, userId: 7, now: () => clock });
    clock += 500;
    await outbox.flush({ sender, userId: 7, now: () => clock });
    expect(seen).toHaveLength(1);
    const [waiting] = await outbox.list();
    expect(waiting.attempts).toBe(1);
    expect(waiting.next_attempt_at).toBeGreaterThan(clock);
    await outbox.flush({ sender, userId: 7, now: () => clock, force: true });
    expect(seen).toHaveLength(2);
    expect(await outbox.list()).toEqual([]);
  });

  it('keeps a rejected entry, marked, until the user discards it', async () => {
    const e = await outbox.enqueue({ kind: 'observation', body: {}, label: 'Bo', ...teacher });
    const { sender } = recordingSender([{ ok: false, kind: 'rejected', message: 'mood must be 1-5' }]);
    await outbox.flush({ sender, userId: 7 });
    const [kept] = await outbox.list();
    expect(kept.rejected).toBe(true);
    expect(kept.last_error).toBe('mood must be 1-5');
    const again = recordingSender([]);
    await outbox.flush({ sender: again.sender, userId: 7, force: true });
    expect(again.seen).toHaveLength(0);
    await outbox.discard(e.id);
    expect(await outbox.list()).toEqual([]);
  });

  it("never sends another user's entries", async () => {
    await outbox.enqueue({ kind: 'incident', body: {}, label: 'x', ...teacher });
    const { seen, sender } = recordingSender([]);
    const res = await outbox.flush({ sender, userId: 99 });
    expect(seen).toHaveLength(0);
    expect(res.waiting).toBe(0);
    expect(await outbox.list()).toHaveLength(1);
  });

  it('stops at the first network failure and at an auth failure', async () => {
    for (let i = 0; i < 3; i++) await outbox.enqueue({ kind: 'incident', body: { i }, label: 'x', ...teacher, now: i });
    const net = recordingSender([{ ok: false, kind: 'network', message: 'offline' }]);
    await outbox.flush({ sender: net.sender, userId: 7 });
    expect(net.seen).toHaveLength(1);
    const auth = recordingSender([{ ok: false, kind: 'auth', message: '401' }]);
    const res = await outbox.flush({ sender: auth.sender, userId: 7, force: true });
    expect(auth.seen).toHaveLength(1);
    expect(res.authRequired).toBe(true);
    expect(res.waiting).toBe(3);
  });

  it('sends in the order the logs were saved and survives a new connection (reload)', async () => {
    await outbox.enqueue({ kind: 'incident', body: { n: 1 }, label: 'first', ...teacher, now: 1 });
    await outbox.enqueue({ kind: 'observation', body: { n: 2 }, label: 'second', ...teacher, now: 2 });
    resetDbConnection(); // as after a page reload
    const { seen, sender } = recordingSender([]);
    await outbox.flush({ sender, userId: 7 });
    expect(seen.map((e) => e.label)).toEqual(['first', 'second']);
  });

  it('flushes once when asked twice at the same time', async () => {
    await outbox.enqueue({ kind: 'incident', body: {}, label: 'x', ...teacher });
    const { seen, sender } = recordingSender([]);
    await Promise.all([outbox.flush({ sender, userId: 7 }), outbox.flush({ sender, userId: 7 })]);
    expect(seen).toHaveLength(1);
  });

  it('keeps the saved order: a later log does not overtake one that is backing off', async () => {
    let clock = 0;
    await outbox.enqueue({ kind: 'incident', body: {}, label: 'first', ...teacher, now: 0 });
    await outbox.enqueue({ kind: 'incident', body: {}, label: 'second', ...teacher, now: 1 });
    const failing = recordingSender([{ ok: false, kind: 'network', message: 'offline' }]);
    await outbox.flush({ sender: failing.sender, userId: 7, now: () => clock });
    clock = 100; // 'first' backs off for about two seconds; 'second' would be due
    const next = recordingSender([]);
    await outbox.flush({ sender: next.sender, userId: 7, now: () => clock });
    expect(next.seen).toHaveLength(0);
    await outbox.flush({ sender: next.sender, userId: 7, now: () => clock, force: true });
    expect(next.seen.map((e) => e.label)).toEqual(['first', 'second']);
  });

  it('runs a forced flush after one already in flight instead of dropping it', async () => {
    let clock = 0;
    await outbox.enqueue({ kind: 'incident', body: {}, label: 'first', ...teacher, now: 0 });
    await outbox.flush({ sender: recordingSender([{ ok: false, kind: 'network', message: 'x' }]).sender, userId: 7, now: () => clock });
    clock = 100;
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async (e: OutboxEntry) => {
      seen.push(e.label);
      await gate;
      return { ok: true as const };
    };
    await outbox.enqueue({ kind: 'incident', body: {}, label: 'other', ...teacher, now: 50, id: 'x-other' });
    const timerFlush = outbox.flush({ sender: slow, userId: 7, now: () => clock }); // skips the backing-off entry
    const onlineFlush = outbox.flush({ sender: slow, userId: 7, now: () => clock, force: true });
    release();
    await Promise.all([timerFlush, onlineFlush]);
    expect(await outbox.list()).toEqual([]);
    expect(seen).toContain('first');
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    await outbox.enqueue({ kind: 'incident', body: {}, label: 'x', ...teacher, now: 0 });
    const { sender } = recordingSender([{ ok: false, kind: 'retry', message: '429', retryAfterMs: 120_000 }]);
    await outbox.flush({ sender, userId: 7, now: () => 0 });
    const [e] = await outbox.list();
    expect(e.next_attempt_at).toBeGreaterThanOrEqual(120_000);
  });
});

describe('backoffDelay', () => {
  it('doubles and caps at five minutes', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4].map((n) => outbox.backoffDelay(n, mid))).toEqual([2000, 4000, 8000, 16000]);
    expect(outbox.backoffDelay(30, mid)).toBe(300_000);
    expect(outbox.backoffDelay(30, () => 0.999)).toBeLessThanOrEqual(300_000);
    expect(outbox.backoffDelay(1, () => 0)).toBe(1600);
  });
});

describe('classify', () => {
  it('treats 2xx as sent, 401 as needing login, 5xx/429/409 as retry, other 4xx as rejected', () => {
    expect(outbox.classify(201, null, '')).toEqual({ ok: true });
    expect(outbox.classify(401, null, 'x')).toMatchObject({ kind: 'auth' });
    expect(outbox.classify(503, null, 'x')).toMatchObject({ kind: 'retry' });
    expect(outbox.classify(409, null, 'x')).toMatchObject({ kind: 'retry' });
    expect(outbox.classify(429, '30', 'x')).toMatchObject({ kind: 'retry', retryAfterMs: 30_000 });
    expect(outbox.classify(422, null, 'x')).toMatchObject({ kind: 'rejected' });
    expect(outbox.classify(403, null, 'x')).toMatchObject({ kind: 'rejected' });
  });
});
