/** The case's append-only history, newest first, told in the reader's language from each event's kind and detail. */
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { formatDateTime } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import { Async, Pager, useLoad } from '../../ui';

const TIMELINE_PAGE = 20;

function eventDetail(kind: string, d: Record<string, unknown> | null): string {
  if (!d) return '';
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (kind) {
    case 'status_changed':
      return `${tEnum('s', s(d.old))} → ${tEnum('s', s(d.new))}`;
    case 'classification_changed':
      return `${tEnum('c', s(d.old))} → ${tEnum('c', s(d.new))}`;
    case 'created':
    case 'established':
      return tEnum('c', s(d.classification));
    case 'audience_updated':
      return tEnum('aud', s(d.audience)) + (d.done === true ? ` ✓` : '');
    case 'follow_up_recorded':
      return tEnum('out', s(d.outcome));
    case 'referral_added':
      return `${tEnum('partner', s(d.partner))} · ${tEnum('rs', s(d.status))}`;
    case 'referral_updated':
      return `${tEnum('rs', s(d.old))} → ${tEnum('rs', s(d.new))}`;
    case 'note_added':
      return tEnum('nk', s(d.kind));
    default:
      return '';
  }
}

/** Reloaded whenever the case changes (`version`). */
export function Timeline({ incidentId, version }: { incidentId: number; version: string }) {
  const [page, setPage] = useState(1);
  const state = useLoad(
    () =>
      api.GET('/api/v1/incidents/{incident_id}/timeline', {
        params: { path: { incident_id: incidentId }, query: { order: 'desc', page, page_size: TIMELINE_PAGE } },
      }),
    [incidentId, page, version],
  );
  const lang = getLang();
  return (
    <Async state={state}>
      {(data) => {
        if (!data.items.length) return <p>{t('timeline_none')}</p>;
        return (
          <>
            <p class="muted small">{t('timeline_newest_first')}</p>
            <ol class="timeline">
              {data.items.map((e) => {
                const detail = eventDetail(e.kind, e.detail);
                return (
                  <li key={e.id}>
                    <span class="muted small">
                      {formatDateTime(e.at, lang)}
                      {e.actor ? ` · ${e.actor.name}` : ''}
                    </span>
                    <div>
                      <strong>{tEnum('ev', e.kind)}</strong>
                      {detail && `: ${detail}`}
                    </div>
                  </li>
                );
              })}
            </ol>
            <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
          </>
        );
      }}
    </Async>
  );
}
