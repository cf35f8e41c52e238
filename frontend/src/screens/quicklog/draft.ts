/** The quick log's form as data: what it holds, its defaults, its checks, and the outbox entry a save makes of it. */
import { isBullyingLike, type Classification, type IncidentRole, type KnowledgeSource, type ObservationTag } from '../../api/enums';
import { MAX } from '../../api/limits';
import type { Schemas } from '../../api/types';
import { copenhagenInstant, formatClock, justAfterRecess, lastRecess, localClock, todayIso, type Recess } from '../../lib/dates';
import { t, tEnum, type Lang } from '../../lib/i18n';
import type { OutboxKind } from '../../lib/outbox';
import type { StudentLite } from '../../lib/recent';
import type { User } from '../../lib/session';

export type What = Classification | 'observation';
export type When = 'now' | 'recess' | 'earlier';

export const MOOD_FACES = ['😢', '🙁', '😐', '🙂', '😄'];
/** Platforms a teacher hears named most; "Andet" opens a text field (the API takes any name, up to its limit). */
export const PLATFORMS = ['Snapchat', 'TikTok', 'Instagram', 'WhatsApp', 'Roblox', 'Discord', 'YouTube'] as const;
// An observation's note carries the place in front ("Skolegården: …"), within the API's limit for the note.
export const OBSERVATION_WORDS_MAX = MAX.ObservationCreate.note - 40;

export interface Picked extends StudentLite {
  /** Null until the teacher chooses (or a lone student in a bullying-like case gets "Udsat"). */
  role: IncidentRole | null;
}

/** Everything the form holds, so "Fortryd" can put a log back for correcting. */
export interface Draft {
  picked: Picked[];
  what: What | null;
  mood: number | null;
  tags: ObservationTag[];
  sensitive: boolean;
  place: string | null;
  words: string;
  knowledge: KnowledgeSource | null;
  medium: string;
  when: When;
  earlier: string;
}

export type Errors = Partial<Record<'students' | 'roles' | 'what' | 'mood' | 'time', string>>;

/** A lone student's role when the teacher has not chosen one: "Udsat" where one child is on the receiving end. */
export function defaultRole(what: What | null, count: number): IncidentRole | null {
  if (count !== 1 || what === null || what === 'observation') return null;
  return isBullyingLike(what) || what === 'wellbeing_concern' ? 'target' : null;
}

export function blankDraft(place: string | null, recesses: readonly Recess[]): Draft {
  return {
    picked: [],
    what: null,
    mood: null,
    tags: [],
    sensitive: false,
    place,
    words: '',
    knowledge: null,
    medium: '',
    when: justAfterRecess(recesses) ? 'recess' : 'now',
    earlier: '',
  };
}

function occurredAt({ when, earlier }: Draft, recesses: readonly Recess[]): string | null {
  if (when === 'now') return new Date().toISOString();
  if (when === 'recess') return lastRecess(recesses).at.toISOString();
  if (!/^\d{2}:\d{2}$/.test(earlier)) return null;
  const at = copenhagenInstant(todayIso(), earlier);
  return at.getTime() > Date.now() ? null : at.toISOString();
}

/** What keeps the draft from being saved, per part of the form, and when it happened (null: no valid time). */
export function check(draft: Draft, roleOf: (p: Picked) => IncidentRole | null, recesses: readonly Recess[]): { problems: Errors; at: string | null } {
  const { picked, what, mood, earlier } = draft;
  const problems: Errors = {};
  if (!picked.length) problems.students = t('ql_need_students');
  if (!what) problems.what = t('ql_need_what');
  if (what === 'observation' && !mood) problems.mood = t('ql_need_mood');
  if (what && what !== 'observation' && picked.some((p) => roleOf(p) === null)) problems.roles = t('ql_need_roles');
  const at = occurredAt(draft, recesses);
  if (at === null) problems.time = earlier ? t('ql_time_future') : t('ql_need_time');
  return { problems, at };
}

/** The outbox entry a checked draft becomes, and the receipt's words for it: what was saved, about whom, where and when. */
export function toEntry(
  draft: Draft & { what: What },
  at: string,
  user: User,
  roleOf: (p: Picked) => IncidentRole | null,
  lang: Lang,
): { entry: { kind: OutboxKind; body: unknown; label: string }; what: string; about: string } {
  const { picked, what, mood, tags, sensitive, place, words, knowledge, medium } = draft;
  const names = picked.map((p) => p.display_name).join(', ');
  const text = words.trim();
  let entry: { kind: OutboxKind; body: unknown; label: string };
  let whatLabel: string;
  let about: string;
  if (what === 'observation') {
    const note = [place ? tEnum('place', place) : '', text].filter(Boolean).join(': ');
    const body: Schemas['ObservationCreate'] = {
      student_ids: picked.map((p) => p.id),
      mood: mood ?? 3,
      observed_at: at,
      ...(user.roles.includes('sfo_staff') ? { context: 'sfo' as const } : {}),
      ...(note ? { note } : {}),
      ...(tags.length ? { tags } : {}),
      ...(sensitive ? { sensitive: true } : {}),
    };
    whatLabel = `${t('ql_observation')} ${MOOD_FACES[(mood ?? 3) - 1]}`;
    about = names;
    entry = { kind: 'observation', body, label: `${whatLabel} – ${names}` };
  } else {
    const platform = what === 'digital_bullying' ? medium.trim() : '';
    const body: Schemas['IncidentCreate'] = {
      classification: what,
      occurred_at: at,
      ...(place ? { place } : {}),
      ...(text ? { description: text } : {}),
      ...(knowledge ? { knowledge_source: knowledge } : {}),
      ...(platform ? { digital_medium: platform } : {}),
      students: picked.map((p) => ({ student_id: p.id, role: roleOf(p) as IncidentRole })),
    };
    whatLabel = tEnum('c', what);
    about = picked.map((p) => `${p.display_name} (${tEnum('r', roleOf(p)).toLowerCase()})`).join(', ');
    entry = { kind: 'incident', body, label: `${whatLabel} – ${names}` };
  }
  const details = [place ? tEnum('place', place) : '', t('ql_at_time', { time: formatClock(localClock(new Date(at)), lang) })].filter(Boolean);
  return { entry, what: whatLabel, about: [about, ...details].join(' · ') };
}
