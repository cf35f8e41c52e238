import { afterEach, describe, expect, it, vi } from 'vitest';

vi.stubGlobal('document', { cookie: 'csrf_access_token=a' });
const { withdrawLog } = await import('../src/api/actions');

function answer(status: number, body: unknown) {
  vi.stubGlobal('document', { cookie: 'csrf_access_token=a' });
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

afterEach(() => vi.unstubAllGlobals());

describe('"Fortryd" on a log already sent', () => {
  it('is undone when the API withdraws it', async () => {
    answer(200, { id: 1 });
    expect(await withdrawLog('incident', 1)).toBe('withdrawn');
  });
  it('reads a second withdrawal as done already', async () => {
    answer(409, { code: 409, type: 'withdrawn', message: 'The report was withdrawn by its reporter.', errors: {} });
    expect(await withdrawLog('observation', 1)).toBe('already');
  });
  it('reads any other 409 as refused, never as undone', async () => {
    answer(409, { code: 409, type: 'conflict', message: 'This observation became incident 7.', errors: { incident_id: [7] } });
    expect(await withdrawLog('observation', 1)).toBe('refused');
    answer(409, { code: 409, type: 'conflict', message: 'The case is already being worked.', errors: {} });
    expect(await withdrawLog('incident', 1)).toBe('refused');
  });
});
