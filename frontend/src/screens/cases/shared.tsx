/** Pieces the case screens share: the case's types and its deadline line. */
import type { ComponentChildren } from 'preact';
import type { Schemas } from '../../api/types';
import { formatDate } from '../../lib/dates';
import { getLang, t } from '../../lib/i18n';

export type Incident = Schemas['IncidentRead'];
export type ListItem = Schemas['IncidentListItem'];

/** The action plan's deadline as the API judges it (`deadline_status`): never recomputed here. */
export function Deadline({ due, status, long }: { due: string | null; status: ListItem['deadline_status']; long?: boolean }) {
  if (!due) return null;
  const lang = getLang();
  return (
    <span class={status === 'overdue' ? 'overdue' : status === 'due_soon' ? 'due-soon' : 'small'}>
      {t('case_action_plan_due', { date: formatDate(due, lang, !!long) })}
      {status === 'overdue' && ` – ${t('case_overdue')}`}
      {status === 'due_soon' && ` – ${t('case_due_soon')}`}
      {status === 'met' && ` – ${t('case_deadline_met')}`}
    </span>
  );
}

/** A case section with its heading; `id` is what the table of contents jumps to. */
export function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section id={id} class="case-section" aria-labelledby={`${id}-h`} tabIndex={-1}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
    </section>
  );
}
