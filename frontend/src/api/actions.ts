/**
 * What the server says a caller may do, and the withdraw ("Fortryd") call, typed from the generated spec. The UI
 * shows exactly what the API lists; it never re-derives a server rule.
 */
import { api } from './client';
import type { Schemas } from './types';

type Incident = Schemas['IncidentRead'];

/** One of the actions IncidentRead.allowed_actions may list. */
export type IncidentAction = Incident['allowed_actions'][number];

/** The actions the API lists for this caller on this case. */
export function allowedActions(incident: Incident): Set<IncidentAction> {
  return new Set(incident.allowed_actions);
}

/** A notification's structured parameters (the UI words the sentence from its kind). */
export type NotificationParams = {
  classification?: string;
  action_plan_due?: string;
  follow_up_on?: string;
  endpoint_id?: number;
  job?: string;
  version_id?: number;
  review_due_on?: string;
};

export function notificationParams(n: Schemas['NotificationRead']): NotificationParams {
  return n.params as NotificationParams;
}

export type WithdrawResult = 'withdrawn' | 'already' | 'unavailable' | 'offline' | 'refused';

/** Withdraw a log the caller just made (the API records who withdrew it and when, on the case's timeline). */
export async function withdrawLog(kind: 'incident' | 'observation', id: number, key?: string): Promise<WithdrawResult> {
  const headers = key ? { 'Idempotency-Key': key } : {};
  try {
    const { response, error } =
      kind === 'incident'
        ? await api.POST('/api/v1/incidents/{incident_id}/withdraw', { params: { path: { incident_id: id } }, headers })
        : await api.POST('/api/v1/observations/{observation_id}/withdraw', { params: { path: { observation_id: id } }, headers });
    if (response.ok) return 'withdrawn';
    // Withdrawn already (a second "Fortryd") has a type of its own; any other 409 is a refusal (the case is
    // being worked, the minutes are up, the observation became an incident), which must not read as undone.
    if (response.status === 409) return (error as { type?: string } | undefined)?.type === 'withdrawn' ? 'already' : 'refused';
    if (response.status === 404) return 'unavailable';
    return 'refused';
  } catch {
    return 'offline';
  }
}
