import { describe, expect, it } from 'vitest';
import { homeFor, navFor } from '../src/nav';
import type { User } from '../src/lib/session';

const base = { id: 1, email: 'a@b.dk', name: 'A', roles: ['teacher'], active: true } as unknown as User;

describe('the navigation follows what the server offers', () => {
  it('lists exactly the screens the server names, in its order', () => {
    const user = { ...base, screens: ['log', 'cases', 'strategy'], home: 'log' } as User;
    expect(navFor(user).map((n) => n.path)).toEqual(['/log', '/cases', '/strategy']);
  });

  it('ignores the roles: a leader the server offers no overview gets none', () => {
    const user = { ...base, roles: ['leader'], screens: ['notifications'], home: 'notifications' } as User;
    expect(navFor(user).map((n) => n.path)).toEqual(['/notifications']);
    expect(homeFor(user)).toBe('/notifications');
  });

  it('opens on the quick log for a user remembered before the server said (offline start)', () => {
    const old = { ...base } as User;
    expect(navFor(old)).toEqual([]);
    expect(homeFor(old)).toBe('/log');
  });

  it('opens a municipality user on the municipality screen', () => {
    const user = { ...base, roles: ['municipality'], screens: ['municipality'], home: 'municipality' } as User;
    expect(homeFor(user)).toBe('/municipality');
  });
});
