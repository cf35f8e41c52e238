/**
 * Contracts other branches add to the API, used here before the committed spec has them. Each is read in this
 * one file, typed as the contract says, so the screens compile against today's generated types. When the spec
 * has a field or path, switch the marked line to the generated type and delete the fallback (see each TODO).
 */
import { authFetch, newIdempotencyKey } from './client';
import { isBullyingLike } from './enums';
import type { Schemas } from './types';

type Incident = Schemas['IncidentRead'];

/** What the caller may do on a case (IncidentRead.allowed_actions, branch audit-cases). */
export const INCIDENT_ACTIONS = [
  'edit_facts',
  'change_students',
  'reclassify',
  'set_pupil_perspective',
  'add_note',
  'establish',
  'add_acute_measure',
  'update_checklist',
  'write_action_plan',
  'record_follow_up',
  'add_referral',
  'update_referral',
  'withdraw',
] as const;
// TODO(spec): once IncidentRead has allowed_actions, use `Incident['allowed_actions'][number]` here.
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/**
 * The actions the API lists for this caller on this case. TODO(spec): once IncidentRead has `allowed_actions`,
 * return `new Set(incident.allowed_actions)` and delete `legacyActions` (the last copy of the server's rules).
 */
export function allowedActions(incident: Incident, roles: readonly string[]): Set<IncidentAction> {
  const listed = (incident as { allowed_actions?: unknown }).allowed_actions;
  if (Array.isArray(listed)) return new Set(listed.filter((a): a is IncidentAction => (INCIDENT_ACTIONS as readonly string[]).includes(a)));
  return legacyActions(incident, roles);
}

/** The rule the UI mirrored before the API said it: case owners (leaders, resource persons) in the full view. */
function legacyActions(incident: Incident, roles: readonly string[]): Set<IncidentAction> {
  const full = incident.view === 'full';
  const owner = full && roles.some((r) => r === 'leader' || r === 'resource_person');
  const actions = new Set<IncidentAction>(['add_note']);
  if (full) ['set_pupil_perspective', 'add_acute_measure', 'update_checklist'].forEach((a) => actions.add(a as IncidentAction));
  if (owner) ['write_action_plan', 'record_follow_up', 'add_referral', 'update_referral'].forEach((a) => actions.add(a as IncidentAction));
  if (owner && !incident.established_at && isBullyingLike(incident.classification) && incident.status !== 'closed') actions.add('establish');
  return actions;
}

/** Notification kinds and their parameters (NotificationRead.kind/params, branch audit-cases). */
export type NotificationParams = {
  classification?: string;
  action_plan_due?: string;
  follow_up_on?: string;
  endpoint_id?: number;
  job?: string;
};

/**
 * A notification's structured parameters. TODO(spec): once NotificationRead has `params`, read `n.params` and drop
 * this adapter; until then a notification carries only its kind (and the server's sentence, which is not shown).
 */
export function notificationParams(n: Schemas['NotificationRead']): NotificationParams {
  const params = (n as { params?: unknown }).params;
  return params && typeof params === 'object' && !Array.isArray(params) ? (params as NotificationParams) : {};
}

export type WithdrawResult = 'withdrawn' | 'already' | 'unavailable' | 'offline' | 'refused';

/**
 * Withdraw a log the caller just made (POST /incidents/{id}/withdraw or /observations/{id}/withdraw, branch
 * audit-cases). TODO(spec): once the spec has these paths, call `api.POST('/api/v1/incidents/{incident_id}/withdraw',
 * …)` and `api.POST('/api/v1/observations/{observation_id}/withdraw', …)` here instead of the untyped request.
 */
export async function withdrawLog(kind: 'incident' | 'observation', id: number, key = newIdempotencyKey()): Promise<WithdrawResult> {
  const path = kind === 'incident' ? `/api/v1/incidents/${id}/withdraw` : `/api/v1/observations/${id}/withdraw`;
  try {
    const res = await authFetch(
      new Request(location.origin + path, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: '{}',
      }),
    );
    if (res.ok) return 'withdrawn';
    if (res.status === 409) return 'already';
    // Without the operation (not merged yet) the API answers 404 or 405 for the path.
    if (res.status === 404 || res.status === 405) return 'unavailable';
    return 'refused';
  } catch {
    return 'offline';
  }
}
