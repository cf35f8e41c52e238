/**
 * Names for the generated schema types. The API's read schemas always carry every field (marshmallow
 * dump-only fields are not marked required in the spec), so `DeepFull` drops the `?` on responses;
 * a field that disappears from the spec still breaks the type check.
 */
import type { components } from './schema';

export type Schemas = components['schemas'];
export type DeepFull<T> = T extends (infer U)[]
  ? DeepFull<U>[]
  : T extends object
    ? { [K in keyof T]-?: DeepFull<Exclude<T[K], undefined>> }
    : T;
export type Read<N extends keyof Schemas> = DeepFull<Schemas[N]>;

/** Treat a response body as the complete read shape. */
export function full<T>(data: T): DeepFull<T> {
  return data as DeepFull<T>;
}

/*
 * A few read fields are marshmallow Function fields the spec leaves without a type (`unknown` here):
 * AudienceItemRead.actions/suggested_actions/done/etag, ActionPlanRead.etag, ReferralRead.etag,
 * IncidentRead.pupil_perspective, InvolvedStudentRead.display_name/class_name, StudentBrief.class_name.
 * These narrow them at run time instead of trusting a cast.
 */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}
export function texts(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
