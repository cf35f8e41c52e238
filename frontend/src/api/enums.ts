/**
 * The API's enums as lists the UI can iterate, in the order the UI shows them. Each list is checked against the
 * generated types both ways: a value the spec adds but a list lacks, or a value a list has but the spec dropped,
 * fails the type check (`npm run typecheck`).
 */
import type { Schemas } from './types';

type Missing<T, L extends readonly unknown[]> = [Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> };

/** Every value of the union T, in the order given. */
export function every<T extends string>() {
  return <const L extends readonly T[]>(list: L & Missing<T, L>): L => list;
}

export type Classification = Schemas['IncidentCreate']['classification'];
export const CLASSIFICATIONS = every<Classification>()([
  'conflict',
  'teasing',
  'bullying',
  'digital_bullying',
  'exclusion',
  'wellbeing_concern',
  'value_rule_breach',
]);

/** The classifications the API lets case owners establish (EstablishIn): the bullying-like ones. */
export type Establishable = NonNullable<Schemas['EstablishIn']['classification']>;
export const ESTABLISHABLE = every<Establishable>()(['bullying', 'digital_bullying', 'exclusion', 'value_rule_breach']);
export function isBullyingLike(c: string | null): c is Establishable {
  return (ESTABLISHABLE as readonly string[]).includes(c ?? '');
}

export type IncidentRole = Schemas['IncidentStudentIn']['role'];
export const INCIDENT_ROLES = every<IncidentRole>()(['target', 'actor', 'bystander', 'supporter']);

export type KnowledgeSource = NonNullable<Schemas['IncidentCreate']['knowledge_source']>;
export const KNOWLEDGE_SOURCES = every<KnowledgeSource>()(['saw', 'told_by_student', 'told_by_other_student', 'told_by_parent', 'other']);

export type ObservationTag = NonNullable<Schemas['ObservationCreate']['tags']>[number];
export const OBSERVATION_TAGS = every<ObservationTag>()([
  'alone',
  'sad',
  'conflict',
  'excluded',
  'tired',
  'angry',
  'worried',
  'good_day',
  'happy',
  'played_with_others',
  'helped_others',
]);

export type CaseStatus = Schemas['IncidentRead']['status'];
export const CASE_STATUSES = every<CaseStatus>()(['open', 'investigating', 'action_plan', 'monitoring', 'closed']);

export type NoteKind = Schemas['NoteCreate']['kind'];
export const NOTE_KINDS = every<NoteKind>()(['students', 'class', 'parents', 'staff', 'other']);

export type FollowUpOutcome = Schemas['FollowUpCreate']['outcome'];
export const FOLLOW_UP_OUTCOMES = every<FollowUpOutcome>()(['stopped', 'decreased', 'continued']);

export type Partner = Schemas['ReferralCreate']['partner'];
export const PARTNERS = every<Partner>()(['school_psychologist', 'inclusion_consultant', 'ssp', 'interdisciplinary_forum', 'other']);

export type ReferralStatus = NonNullable<Schemas['ReferralCreate']['status']>;
export const REFERRAL_STATUSES = every<ReferralStatus>()(['planned', 'sent', 'accepted', 'completed', 'declined']);

export type CheckInOutcome = Schemas['CheckInCreate']['outcome'];
export const CHECK_IN_OUTCOMES = every<CheckInOutcome>()(['good', 'mixed', 'did_not_happen']);

export type UserRole = NonNullable<Schemas['UserCreate']['roles']>[number];
export const USER_ROLES = every<UserRole>()(['teacher', 'pedagogue', 'sfo_staff', 'resource_person', 'leader', 'admin']);

export type StaffRole = Schemas['ClassStaffAttach']['role'];
export const STAFF_ROLES = every<StaffRole>()(['class_teacher', 'teacher', 'pedagogue', 'sfo_contact']);

export type Recess = Schemas['ArrangementCreate']['recesses'][number];
export const RECESSES = every<Recess>()(['first_recess', 'second_recess', 'lunch', 'sfo']);

export type WellbeingDayKind = NonNullable<Schemas['WellbeingDayCreate']['kind']>;
export const WELLBEING_DAY_KINDS = every<WellbeingDayKind>()(['wellbeing_day', 'theme_day', 'excursion', 'concert', 'other']);
