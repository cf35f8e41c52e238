/** What each role is offered; mirrors the API's permissions (the API enforces them). */
import type { Key } from './lib/i18n';
import type { Role } from './lib/session';

export interface NavItem {
  path: string;
  label: Key;
  roles: Role[];
}

const STAFF: Role[] = ['teacher', 'pedagogue', 'sfo_staff', 'resource_person', 'leader'];

export const NAV: NavItem[] = [
  { path: '/log', label: 'nav_quicklog', roles: STAFF },
  { path: '/overview', label: 'nav_dashboard', roles: ['leader', 'resource_person'] },
  { path: '/notifications', label: 'nav_notifications', roles: [...STAFF, 'admin'] },
  { path: '/cases', label: 'nav_cases', roles: STAFF },
  { path: '/students', label: 'nav_students', roles: STAFF },
  { path: '/play-partners', label: 'nav_playpartners', roles: STAFF },
  { path: '/observations', label: 'nav_observations', roles: STAFF },
  { path: '/wellbeing-days', label: 'nav_wellbeing_days', roles: STAFF },
  { path: '/strategy', label: 'nav_strategy', roles: [...STAFF, 'admin'] },
  { path: '/admin/users', label: 'nav_users', roles: ['admin'] },
  { path: '/admin/classes', label: 'nav_classes', roles: ['admin', 'leader'] },
  { path: '/admin/import', label: 'nav_import', roles: ['admin'] },
  { path: '/municipality', label: 'nav_municipality', roles: ['municipality'] },
  { path: '/admin/api-clients', label: 'nav_apiclients', roles: ['admin'] },
  { path: '/admin/sso', label: 'nav_sso', roles: ['admin'] },
];

export function navFor(roles: readonly string[]): NavItem[] {
  return NAV.filter((n) => n.roles.some((r) => roles.includes(r)));
}

/** The first screen after login: the quick log for the adults in the schoolyard. */
export function homeFor(roles: readonly string[]): string {
  // A municipality user sees its schools' aggregates and nothing else (the API refuses every other route).
  if (roles.includes('municipality')) return '/municipality';
  if (roles.some((r) => r === 'teacher' || r === 'pedagogue' || r === 'sfo_staff')) return '/log';
  if (roles.some((r) => r === 'leader' || r === 'resource_person')) return '/notifications';
  if (roles.includes('admin')) return '/admin/users';
  return '/log';
}
