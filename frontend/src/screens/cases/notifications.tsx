/** Notifications ("Beskeder"), each put into words here from its kind and parameters: the server sends no sentence. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { notificationParams } from '../../api/actions';
import type { Schemas } from '../../api/types';
import { formatDate, formatDateTime } from '../../lib/dates';
import { getLang, t, tEnum, type Key } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { Async, Pager, ProblemNotice, useLoad } from '../../ui';

const PAGE_SIZE = 25;

/** The sentence for a notification in the reader's language. */
export function notificationText(n: Schemas['NotificationRead']): string {
  const p = notificationParams(n);
  const lang = getLang();
  const date = (v: string | undefined) => (v ? formatDate(v, lang, false) : '');
  const c = p.classification ? tEnum('c', p.classification) : t('notif_a_case');
  const params: Record<string, string> = {
    c,
    id: n.incident_id === null ? '' : String(n.incident_id),
    due: date(p.action_plan_due),
    on: date(p.follow_up_on),
    job: p.job ?? '',
    review: date(p.review_due_on),
    endpoint: p.endpoint_id === undefined ? '' : String(p.endpoint_id),
  };
  const key = `notif_kind_${n.kind}` as Key;
  const known = t(key) !== key;
  let text = t(known ? key : 'notif_kind_other', params);
  if (n.kind === 'bullying_established' && p.action_plan_due) text += ' ' + t('notif_plan_due', params);
  return text;
}

export function Notifications(_: { user: User }) {
  const [page, setPage] = useState(1);
  const state = useLoad(() => api.GET('/api/v1/notifications', { params: { query: { page, page_size: PAGE_SIZE } } }), [page]);
  const lang = getLang();
  const markRead = (id: number) => api.POST('/api/v1/notifications/{notification_id}/read', { params: { path: { notification_id: id } } });
  // "Markér som læst" says when it did not get through (the card would otherwise just stay unread).
  const writer = useWriter();
  return (
    <>
      <h1>{t('nav_notifications')}</h1>
      <ProblemNotice problem={writer.problem} />
      <Async state={state}>
        {(data) => {
          if (!data.items.length) return <p>{t('notif_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((n) => (
                  <li key={n.id} class={n.read_at ? 'card' : 'card unread'}>
                    <div class="row-main">
                      {!n.read_at && <span class="pill">{t('notif_unread')}</span>}
                      <span>{notificationText(n)}</span>
                      <span class="muted small">{formatDateTime(n.created_at, lang)}</span>
                      {n.incident_id && (
                        <a href={`#/cases/${n.incident_id}`} onClick={() => void (n.read_at ? null : markRead(n.id))}>
                          {t('notif_open_case')}
                        </a>
                      )}
                    </div>
                    {!n.read_at && (
                      <button
                        type="button"
                        class="btn secondary"
                        disabled={writer.busy}
                        onClick={async () => {
                          const r = await writer.run(() => markRead(n.id));
                          if (r?.ok) state.reload();
                        }}
                      >
                        {t('notif_mark_read')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
              <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
            </>
          );
        }}
      </Async>
    </>
  );
}
