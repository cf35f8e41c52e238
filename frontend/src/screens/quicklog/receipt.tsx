/** After a save: the receipt (what was saved, about whom, whether it left the phone), "Fortryd" and the save button. */
import { withdrawLog } from '../../api/actions';
import { t, type Key } from '../../lib/i18n';
import * as outbox from '../../lib/outbox';
import { sentLog, type SendNow } from '../../lib/sync';
import type { Draft } from './draft';

export const UNDO_MS = 10_000;

export interface Receipt {
  key: string;
  kind: outbox.OutboxKind;
  what: string;
  about: string;
  state: SendNow | 'undone_phone' | 'undone_server' | 'undo_failed' | 'undo_offline';
  draft: Draft;
  undoUntil: number;
}

/** Take a saved log back: from the phone while it waits there, else by withdrawing it on the server. */
export async function takeBack(r: Receipt): Promise<Receipt['state']> {
  const waiting = (await outbox.list()).some((x) => x.id === r.key);
  if (waiting) {
    await outbox.discard(r.key);
    return 'undone_phone';
  }
  const sent = sentLog(r.key);
  const result = sent ? await withdrawLog(sent.kind, sent.id) : 'unavailable';
  return result === 'withdrawn' || result === 'already' ? 'undone_server' : result === 'offline' ? 'undo_offline' : 'undo_failed';
}

export function SaveBar({ receipt, showUndo, busy, onUndo }: { receipt: Receipt | null; showUndo: boolean; busy: boolean; onUndo: (r: Receipt) => void }) {
  return (
    <div class="save-bar">
      <div class="receipt" role="status" aria-live="polite">
        {receipt && <ReceiptText r={receipt} />}
      </div>
      <div class="save-row">
        {showUndo && receipt && (
          <button type="button" class="btn secondary" onClick={() => onUndo(receipt)}>
            {t('ql_undo')}
          </button>
        )}
        <button type="submit" class="btn primary big" disabled={busy} aria-busy={busy}>
          {busy ? t('ql_saving') : t('ql_save')}
        </button>
      </div>
    </div>
  );
}

function ReceiptText({ r }: { r: Receipt }) {
  const head: Record<Receipt['state'], Key> = {
    sent: 'ql_saved',
    waiting: 'ql_saved_offline',
    rejected: 'ql_saved_rejected',
    undone_phone: 'ql_undone_phone',
    undone_server: 'ql_undone_server',
    undo_failed: 'ql_undo_failed',
    undo_offline: 'ql_undo_offline',
  };
  const bad = r.state === 'rejected' || r.state === 'undo_failed' || r.state === 'undo_offline';
  return (
    <>
      <strong class={bad ? 'error-text' : undefined}>{t(head[r.state])}</strong>{' '}
      <span>
        {r.what}: {r.about}
      </span>
      {r.state === 'rejected' && (
        <>
          {' '}
          <a href="#/outbox">{t('outbox_title')}</a>
        </>
      )}
    </>
  );
}
