/**
 * The API's one error shape, `{code, status, type, message, errors}`, put into the reader's language: a message
 * for the whole request (from `type`, else the status) and one per field (from the field's first message).
 * The server's English text is never shown as such; a message this file does not know becomes a plain
 * "invalid value" on its field, so the field is still marked.
 */
import { t, type Key } from './i18n';

export interface Problem {
  /** The HTTP status; 0 when the request never got an answer (offline). */
  status: number;
  /** The API's machine-readable `type`, when it sends one. */
  type: string | null;
  /** What went wrong, for people, in the current language. */
  message: string;
  /** One message per field, in the current language, keyed by field name ("email") and by path ("students.0.role"). */
  fields: Record<string, string>;
}

// Until every error is flat, schema errors arrive under a location ("json", "query", …): read through it.
const LOCATIONS = ['json', 'query', 'form', 'files', 'headers', 'path', 'cookies'];

const BY_TYPE: Record<string, Key> = {
  validation_error: 'problem_validation',
  unknown_query_argument: 'problem_generic',
  invalid_json: 'problem_generic',
  json_too_deep: 'problem_generic',
  payload_too_large: 'problem_too_large',
  not_authenticated: 'problem_auth',
  token_expired: 'problem_auth',
  token_invalid: 'problem_auth',
  token_revoked: 'problem_auth',
  forbidden: 'problem_forbidden',
  step_up_required: 'step_up_title',
  password_login_disabled: 'password_login_disabled',
  not_found: 'problem_not_found',
  conflict: 'problem_conflict',
  duplicate: 'problem_duplicate',
  idempotency_key_reused: 'problem_key_reused',
  idempotency_key_in_flight: 'problem_in_flight',
  precondition_failed: 'error_conflict',
  precondition_required: 'error_conflict',
  rate_limited: 'problem_rate_limited',
  separation_rule: 'problem_separation',
  open_case_separation: 'problem_open_case_separation',
  internal_error: 'problem_server',
};

const BY_STATUS: Record<number, Key> = {
  0: 'error_offline',
  401: 'problem_auth',
  403: 'problem_forbidden',
  404: 'problem_not_found',
  409: 'problem_conflict',
  412: 'error_conflict',
  413: 'problem_too_large',
  422: 'problem_validation',
  428: 'error_conflict',
  429: 'problem_rate_limited',
};

/** English field messages the API sends (marshmallow's and the services' own), most specific first. */
const FIELD_PATTERNS: [RegExp, Key][] = [
  [/already (in use|exists)/i, 'fe_in_use'],
  [/missing data for required field|^required\b|is required|needs at least one/i, 'fe_required'],
  [/blank|may not be null|may not be empty/i, 'fe_blank'],
  [/not a valid e-?mail/i, 'fe_email'],
  [/longer than maximum length (\d+)/i, 'fe_too_long'],
  [/shorter than minimum length (\d+)/i, 'fe_too_short'],
  [/length must be between (\d+) and (\d+)/i, 'fe_length_between'],
  [/in the future/i, 'fe_future'],
  [/in the past/i, 'fe_past'],
  [/not a time of day/i, 'fe_clock'],
  [/overlap/i, 'fe_overlap'],
  [/ends before it starts|before start|not after|after '?to'?/i, 'fe_order'],
  [/NUL/, 'fe_invalid_char'],
  [/unknown field/i, 'fe_unknown_field'],
  [/too many|at most \d+/i, 'fe_too_many'],
  [/duplicate|listed twice/i, 'fe_duplicate'],
  [/no longer active|not active/i, 'fe_inactive'],
  [/unknown|no such|not a participant|not in that group/i, 'fe_unknown'],
  [/wrong/i, 'fe_wrong'],
  [/not a valid (integer|number)/i, 'fe_number'],
  [/not a valid (date|datetime|time)/i, 'fe_date'],
  [/greater than|less than|must be between/i, 'fe_range'],
  [/one of|among/i, 'fe_choice'],
];

/** One field message in the reader's language. */
export function fieldMessage(english: string): string {
  for (const [pattern, key] of FIELD_PATTERNS) {
    const m = pattern.exec(english);
    if (m) return t(key, { n: m[1] ?? '', a: m[1] ?? '', b: m[2] ?? '' });
  }
  return t('fe_invalid');
}

function firstText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const s = firstText(v);
      if (s !== null) return s;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const s = firstText(v);
      if (s !== null) return s;
    }
  }
  return null;
}

/** Walk nested errors ({"students": {"0": {"role": [...]}}}) into path -> first message, keeping each top field too. */
function collect(errors: Record<string, unknown>, prefix: string, out: Record<string, string>): void {
  for (const [key, value] of Object.entries(errors)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const text = firstText(value);
    if (text === null) continue;
    if (!(path in out)) out[path] = fieldMessage(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) collect(value as Record<string, unknown>, path, out);
  }
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The problem an error response describes, in the reader's language. */
export function toProblem(status: number, body: unknown): Problem {
  const b = asObject(body) ?? {};
  const type = typeof b.type === 'string' ? b.type : null;
  const raw = asObject(b.errors) ?? {};
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const inner = LOCATIONS.includes(k) ? asObject(v) : null;
    if (inner) Object.assign(flat, inner);
    else flat[k] = v;
  }
  const fields: Record<string, string> = {};
  collect(flat, '', fields);
  const key = (type && BY_TYPE[type]) || BY_STATUS[status] || (status >= 500 ? 'problem_server' : 'problem_generic');
  return { status, type, message: t(key), fields };
}

/** The problem of a request that never got an answer. */
export function offlineProblem(): Problem {
  return { status: 0, type: null, message: t('error_offline'), fields: {} };
}
