import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A tiny cookie jar standing in for document.cookie (the csrf_* cookies are the readable ones).
const jar = new Map<string, string>();
vi.stubGlobal('document', {
  get cookie() {
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  },
});

const { authFetch, refreshSession } = await import('../src/api/client');

type Call = { url: string; method: string; csrf: string | null; body: string | null };
let calls: Call[] = [];

function installServer(accessValid: () => boolean) {
  vi.stubGlobal('fetch', async (input: Request | string, init?: RequestInit) => {
    const req = typeof input === 'string' ? new Request('http://localhost' + input, init) : input;
    const url = new URL(req.url).pathname;
    calls.push({ url, method: req.method, csrf: req.headers.get('X-CSRF-TOKEN'), body: req.method === 'GET' ? null : await req.text() });
    if (url === '/api/v1/auth/refresh') {
      if (req.headers.get('X-CSRF-TOKEN') !== jar.get('csrf_refresh_token')) return new Response(null, { status: 401 });
      jar.set('csrf_access_token', 'access-2');
      jar.set('csrf_refresh_token', 'refresh-2');
      return new Response('{}', { status: 200 });
    }
    if (!accessValid() || (req.method !== 'GET' && req.headers.get('X-CSRF-TOKEN') !== jar.get('csrf_access_token')))
      return new Response('{"code":401}', { status: 401 });
    return new Response('{"id":1}', { status: 201 });
  });
}

beforeEach(() => {
  calls = [];
  jar.clear();
  jar.set('csrf_access_token', 'access-1');
  jar.set('csrf_refresh_token', 'refresh-1');
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.stubGlobal('document', { get cookie() { return [...jar].map(([k, v]) => `${k}=${v}`).join('; '); } });
});

describe('authFetch', () => {
  it('sends the CSRF value on writes, not on reads', async () => {
    installServer(() => true);
    await authFetch(new Request('http://localhost/api/v1/incidents', { method: 'POST', body: '{}' }));
    await authFetch(new Request('http://localhost/api/v1/incidents'));
    expect(calls.map((c) => [c.method, c.csrf])).toEqual([
      ['POST', 'access-1'],
      ['GET', null],
    ]);
  });

  it('on 401 refreshes with the refresh CSRF value and retries the same body with the fresh CSRF value', async () => {
    let valid = false;
    installServer(() => valid);
    const original = fetch;
    vi.stubGlobal('fetch', async (input: Request | string, init?: RequestInit) => {
      const res = await original(input, init);
      const path = typeof input === 'string' ? input : new URL(input.url).pathname;
      if (path === '/api/v1/auth/refresh' && res.ok) valid = true;
      return res;
    });
    const res = await authFetch(new Request('http://localhost/api/v1/incidents', { method: 'POST', body: '{"a":1}' }));
    expect(res.status).toBe(201);
    expect(calls.map((c) => [c.url, c.csrf, c.body])).toEqual([
      ['/api/v1/incidents', 'access-1', '{"a":1}'],
      ['/api/v1/auth/refresh', 'refresh-1', ''],
      ['/api/v1/incidents', 'access-2', '{"a":1}'],
    ]);
  });

  it('shares one refresh between concurrent callers (a refresh token works once)', async () => {
    installServer(() => true);
    const results = await Promise.all([refreshSession(), refreshSession(), refreshSession()]);
    expect(results).toEqual([true, true, true]);
    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('skips its own refresh when another tab already rotated the cookies', async () => {
    installServer(() => true);
    // Tabs take turns through a Web Lock; this one waits while the other tab refreshes.
    vi.stubGlobal('navigator', { locks: { request: (_name: string, cb: () => Promise<unknown>) => Promise.resolve().then(cb) } });
    const pending = refreshSession(); // captured refresh-1 before the other tab acted …
    jar.set('csrf_refresh_token', 'rotated-by-other-tab');
    expect(await pending).toBe(true);
    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(0);
  });
});
