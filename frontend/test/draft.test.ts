import { describe, expect, it } from 'vitest';
import { reread, savedMeanwhile, type DraftState } from '../src/lib/draft';

describe('a draft across reloads of its record', () => {
  const start: DraftState<string> = { draft: 'a', base: 'a', etag: 'v1' };
  it('follows the record while nothing is typed', () => {
    expect(reread(start, 'b', 'v2')).toEqual({ draft: 'b', base: 'b', etag: 'v2' });
  });
  it('keeps what is typed when something else about the record changed, and takes its new ETag', () => {
    const typing = { ...start, draft: 'mine' };
    expect(reread(typing, 'a', 'v2')).toEqual({ draft: 'mine', base: 'a', etag: 'v2' });
    expect(savedMeanwhile(typing, 'a')).toBeNull();
  });
  it('keeps what is typed and the old ETag when someone else saved another value', () => {
    const typing = { ...start, draft: 'mine' };
    const after = reread(typing, 'theirs', 'v2');
    expect(after).toEqual({ draft: 'mine', base: 'a', etag: 'v1' });
    expect(savedMeanwhile(after, 'theirs')).toBe('theirs');
  });
  it('sees no conflict when the other value is what was typed', () => {
    const typing = { ...start, draft: 'same' };
    expect(reread(typing, 'same', 'v2')).toEqual({ draft: 'same', base: 'same', etag: 'v2' });
  });
  it('compares structured values by content', () => {
    const plan = { measures: [{ description: 'x' }], on: '2026-12-10' };
    const s = { draft: { ...plan }, base: plan, etag: 'v1' };
    expect(reread(s, { measures: [{ description: 'x' }], on: '2026-12-10' }, 'v2')).toEqual({
      draft: plan,
      base: { measures: [{ description: 'x' }], on: '2026-12-10' },
      etag: 'v2',
    });
  });
});
