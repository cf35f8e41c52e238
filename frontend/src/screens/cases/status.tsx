/**
 * The case's next steps: exactly the status changes the API lists for this user (`allowed_transitions`), and
 * establishing bullying or withdrawing the report where `allowed_actions` has them. The irreversible ones ask first.
 */
import { api, useWriter } from '../../api/client';
import type { CaseStatus } from '../../api/enums';
import { withdrawLog, type IncidentAction } from '../../api/actions';
import { t, tEnum } from '../../lib/i18n';
import { ProblemNotice, useConfirm } from '../../ui';
import type { Incident } from './shared';

export function StatusActions({
  c,
  etag,
  actions,
  onChanged,
  onMessage,
}: {
  c: Incident;
  /** The ETag of the case as the user read it: a change made meanwhile by someone else is refused, not overwritten. */
  etag: string | null;
  actions: Set<IncidentAction>;
  onChanged: () => void;
  onMessage: (text: string) => void;
}) {
  const writer = useWriter();
  const [confirm, dialog] = useConfirm();
  const canEstablish = actions.has('establish');
  const canWithdraw = actions.has('withdraw');
  if (!c.allowed_transitions.length && !canEstablish && !canWithdraw) return null;

  async function changeStatus(status: CaseStatus) {
    if (status === 'closed' && !(await confirm({ title: t('confirm_close_title'), body: t('confirm_close_body'), action: t('confirm_close_action') })))
      return;
    if (!etag) return;
    const r = await writer.run(() =>
      api.PATCH('/api/v1/incidents/{incident_id}', {
        params: { path: { incident_id: c.id }, header: { 'If-Match': etag } },
        body: { status },
      }),
    );
    if (r?.ok) onChanged();
  }

  async function establish() {
    const ok = await confirm({ title: t('confirm_establish_title'), body: t('confirm_establish_body'), action: t('case_establish') });
    if (!ok) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/incidents/{incident_id}/establish', { params: { path: { incident_id: c.id } }, headers, body: {} }),
    );
    if (r?.ok) {
      onMessage(t('case_establish_done'));
      onChanged();
    }
  }

  async function withdraw() {
    const ok = await confirm({ title: t('confirm_withdraw_title'), body: t('confirm_withdraw_body'), action: t('case_withdraw') });
    if (!ok) return;
    const result = await withdrawLog('incident', c.id, writer.key);
    if (result === 'withdrawn' || result === 'already') {
      onMessage(t('case_withdrawn'));
      onChanged();
    } else writer.setProblem({ status: 0, type: null, message: t(result === 'offline' ? 'error_offline' : 'problem_conflict'), fields: {} });
  }

  return (
    <>
      {dialog}
      <div class="chips-row no-print" role="group" aria-label={t('case_status_change')}>
        {c.allowed_transitions.map((s) => (
          <button key={s} type="button" class="btn secondary" disabled={writer.busy} onClick={() => void changeStatus(s)}>
            {t('case_change_status_to', { s: tEnum('s', s) })}
          </button>
        ))}
        {canEstablish && (
          <button type="button" class="btn danger" disabled={writer.busy} onClick={() => void establish()}>
            {t('case_establish')}
          </button>
        )}
        {canWithdraw && (
          <button type="button" class="btn secondary" disabled={writer.busy} onClick={() => void withdraw()}>
            {t('case_withdraw')}
          </button>
        )}
      </div>
      <ProblemNotice problem={writer.problem} />
    </>
  );
}
