/**
 * The student log in the reader's language: one sentence per entry, built from its `kind` and structured
 * `detail`. The API's `summary` is English; it is shown (marked lang="en") only for a kind this app does not
 * know yet or an entry without usable detail. Imported by the lazily loaded student screen only.
 */
import { formatDate } from './dates';
import { getLang, t, tEnum } from './i18n';

export type LogLine = {
  /** The sentence, or the API's English summary when the entry cannot be put into words here. */
  text: string;
  /** 'en' when `text` is the API's English summary. */
  lang?: 'en';
  /** The adult's own note (their words, not translated), when the API lets the reader see it. */
  note?: string;
  /** The label before the note ("Note", or "Følsom note" for a sensitive observation). */
  noteLabel?: string;
  /** Said instead of the note when the API hid it from the reader. */
  noteHidden?: string;
};

export type LogEntryLike = { kind: string; summary: string; detail?: Record<string, unknown> | null };

type Detail = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
const ints = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : []);

/** A label inside a sentence: "Udsat" -> "udsat", "First recess" -> "first recess"; "SFO" stays. */
export function inline(label: string): string {
  return /^\p{Lu}\p{Ll}/u.test(label) ? label[0].toLowerCase() + label.slice(1) : label;
}

const label = (prefix: string, value: string): string => inline(tEnum(prefix, value));

/** "a, b og c" / "a, b and c". */
function list(items: string[]): string {
  return new Intl.ListFormat(getLang() === 'da' ? 'da-DK' : 'en-GB', { style: 'long', type: 'conjunction' }).format(items);
}

/** A calendar date (YYYY-MM-DD) as the app shows dates: "3. marts 2026 · uge 10". */
function day(v: unknown): string | null {
  const s = str(v);
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s.slice(0, 10)) ? formatDate(s.slice(0, 10), getLang(), false) : null;
}

function incident(d: Detail): string | null {
  const classification = str(d.classification);
  const role = str(d.role);
  if (!classification || !role) return null;
  const params = { c: tEnum('c', classification), role: label('r', role) };
  if (d.event === 'reported') {
    const status = str(d.status);
    return t('log_incident_reported', params) + (status ? ' ' + t('log_case_status', { status: label('s', status) }) : '');
  }
  if (d.event === 'established') {
    const due = day(d.action_plan_due);
    return t('log_incident_established', params) + (due ? ' ' + t('log_plan_due', { date: due }) : '');
  }
  return null;
}

function caseNote(d: Detail): string | null {
  const kind = str(d.conversation_with);
  const id = int(d.incident_id);
  if (!kind || id === null) return null;
  return t('log_case_note', { with: label('nk', kind), id });
}

function actionPlan(d: Detail): string | null {
  const id = int(d.incident_id);
  if (id === null) return null;
  if (d.event === 'plan_reopened') {
    const due = day(d.action_plan_due);
    return t('log_plan_reopened', { id }) + (due ? ' ' + t('log_plan_new_due', { date: due }) : '');
  }
  if (d.event === 'action_plan_saved') {
    const n = int(d.measures);
    const what = t(d.adopted === true ? 'log_plan_adopted' : 'log_plan_revised', { id });
    return what + (n === null ? '' : ' ' + t(n === 1 ? 'log_plan_measure' : 'log_plan_measures', { n }));
  }
  return null;
}

function observation(d: Detail): string | null {
  const mood = int(d.mood);
  if (mood === null || mood < 1 || mood > 5) return null;
  const parts = [t('log_obs_mood', { mood: label('mood', String(mood)), n: mood })];
  const context = str(d.context);
  if (context) parts.push(t('log_obs_context', { ctx: label('ctx', context) }));
  const tags = strs(d.tags);
  if (tags.length) parts.push(t('log_obs_tags', { tags: list(tags.map((x) => label('tag', x))) }));
  return parts.join(' ');
}

function arrangement(d: Detail): string | null {
  const partners = strs(d.partners);
  const recesses = strs(d.recesses);
  const weekdays = ints(d.weekdays).filter((n) => n >= 1 && n <= 7);
  const start = day(d.start_date);
  const end = day(d.end_date);
  if (!partners.length || !start || !end) return null;
  let text = t('log_pp_with', { partners: list(partners) });
  if (recesses.length) text += ' ' + t('log_pp_in', { recesses: list(recesses.map((r) => label('recess', r))) });
  if (weekdays.length) text += ' ' + t('log_pp_on', { days: list(weekdays.map((n) => tEnum('weekday', String(n)))) });
  text += ', ' + t('log_pp_period', { start, end }) + '.';
  const status = str(d.status);
  if (status) text += ' ' + t('log_pp_status', { status: label('pa', status) });
  const responsible = str(d.responsible);
  if (responsible) text += ' ' + t('log_pp_responsible', { name: responsible });
  return text;
}

function checkIn(d: Detail): string | null {
  const date = day(d.day);
  const outcome = str(d.outcome);
  if (!date || !outcome) return null;
  const recess = str(d.recess);
  return t('log_checkin', {
    day: recess ? `${date} (${label('recess', recess)})` : date,
    outcome: label('pp', outcome),
  });
}

function roster(d: Detail): string | null {
  if (d.event === 'joined') return t('log_roster_joined');
  if (d.event === 'left') {
    const date = day(d.left_on);
    return date ? t('log_roster_left', { date }) : null;
  }
  return null;
}

const SENTENCES: Record<string, (d: Detail) => string | null> = {
  incident,
  case_note: caseNote,
  action_plan: actionPlan,
  observation,
  play_partner_arrangement: arrangement,
  play_partner_check_in: checkIn,
  roster,
};

const NOTE_MARK = '. Note: ';

/** The entry as a sentence in the current language, with the adult's own note when the summary carries it. */
export function logLine(entry: LogEntryLike): LogLine {
  const build = Object.hasOwn(SENTENCES, entry.kind) ? SENTENCES[entry.kind] : undefined;
  const d = entry.detail;
  const text = build && d && typeof d === 'object' ? build(d) : null;
  if (text === null) return { text: entry.summary, lang: 'en' };
  const line: LogLine = { text };
  if (entry.kind === 'observation' || entry.kind === 'play_partner_check_in') {
    // The note is the adult's own words; the API puts it (when the reader may see it) after "Note: ".
    const at = entry.summary.indexOf(NOTE_MARK);
    if (at >= 0) {
      line.note = entry.summary.slice(at + NOTE_MARK.length);
      line.noteLabel = t(d?.sensitive === true ? 'obs_sensitive' : 'case_note_body');
    } else if (entry.summary.endsWith('(Sensitive note hidden)')) line.noteHidden = t('obs_note_hidden');
    else if (entry.summary.endsWith('(Note hidden)')) line.noteHidden = t('log_note_hidden');
  }
  return line;
}
