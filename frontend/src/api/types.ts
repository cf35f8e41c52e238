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
