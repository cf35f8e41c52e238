import { describe, expect, it } from 'vitest';
import { match } from '../src/lib/router';

describe('match', () => {
  it('extracts params and rejects other paths', () => {
    expect(match('/cases/:id', '/cases/12')).toEqual({ id: '12' });
    expect(match('/cases/:id', '/cases')).toBeNull();
    expect(match('/cases', '/cases?status=open')).toEqual({});
    expect(match('/students/:id/log', '/students/4/log')).toEqual({ id: '4' });
  });
});
