/** Names for the generated schema types (every response field is required in the spec, so these are exact). */
import type { components } from './schema';

export type Schemas = components['schemas'];
export type Read<N extends keyof Schemas> = Schemas[N];
