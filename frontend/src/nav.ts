/**
 * Where each of the app's screens lives and what it is called. Which screens a user is offered, and which one
 * they start on, the server decides (`screens` and `home` on the signed-in user); the API checks every request.
 */
import type { Key } from './lib/i18n';
import type { User } from './lib/session';

export type Screen = User['screens'][number];

export interface NavItem {
  path: string;
  label: Key;
}

export const SCREENS: Record<Screen, NavItem> = {
  log: { path: '/log', label: 'nav_quicklog' },
  overview: { path: '/overview', label: 'nav_dashboard' },
  notifications: { path: '/notifications', label: 'nav_notifications' },
  cases: { path: '/cases', label: 'nav_cases' },
  students: { path: '/students', label: 'nav_students' },
  play_partners: { path: '/play-partners', label: 'nav_playpartners' },
  observations: { path: '/observations', label: 'nav_observations' },
  wellbeing_days: { path: '/wellbeing-days', label: 'nav_wellbeing_days' },
  strategy: { path: '/strategy', label: 'nav_strategy' },
  users: { path: '/admin/users', label: 'nav_users' },
  classes: { path: '/admin/classes', label: 'nav_classes' },
  import: { path: '/admin/import', label: 'nav_import' },
  municipality: { path: '/municipality', label: 'nav_municipality' },
  api_clients: { path: '/admin/api-clients', label: 'nav_apiclients' },
  sso: { path: '/admin/sso', label: 'nav_sso' },
};

/** The user's screens, in the server's order. A user remembered by an older version of the app has none until
 * the server is asked again (at start, when online). */
export function navFor(user: User): NavItem[] {
  return (user.screens ?? []).map((s) => SCREENS[s]).filter(Boolean);
}

/** The first screen after login, as the server says; the quick log (which works offline) until it has. */
export function homeFor(user: User): string {
  return (user.home && SCREENS[user.home]?.path) || SCREENS.log.path;
}
