/** The cases the API lets this user see, their own reports first ("Mine registreringer"), each with its status. */
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { CASE_STATUSES, type CaseStatus } from '../../api/enums';
import { formatDateTime } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { EnumSelect } from '../../forms';
import { Async, Check, Pager, useLoad } from '../../ui';
import { Deadline, type ListItem } from './shared';

// One page holds a teacher's cases for a long while; mine are put first within it.
const PAGE_SIZE = 100;

function CaseRows({ items }: { items: ListItem[] }) {
  const lang = getLang();
  return (
    <ul class="list">
      {items.map((c) => (
        <li key={c.id} class="card">
          <div class="row-main">
            <a href={`#/cases/${c.id}`}>
              {tEnum('c', c.classification)} – {c.students.map((s) => s.display_name).join(', ')}
            </a>
            <span class="muted small">
              {formatDateTime(c.occurred_at, lang)} · {t('case_title', { id: c.id })} · {(c.reporter ?? c.reporting_client)?.name}
            </span>
            {c.status !== 'closed' && <Deadline due={c.action_plan_due} status={c.deadline_status} />}
          </div>
          <span class="pill">{tEnum('s', c.status)}</span>
        </li>
      ))}
    </ul>
  );
}

export function CaseList({ user }: { user: User }) {
  const [status, setStatus] = useState<CaseStatus | ''>('');
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const state = useLoad(
    () =>
      api.GET('/api/v1/incidents', {
        params: {
          query: {
            page,
            page_size: PAGE_SIZE,
            ...(status ? { status } : {}),
            ...(overdue ? { deadline: 'overdue' as const } : {}),
          },
        },
      }),
    [status, overdue, page],
  );
  return (
    <>
      <h1>{t('nav_cases')}</h1>
      <div class="toolbar">
        <EnumSelect<CaseStatus | ''>
          label={t('cases_filter_status')}
          prefix="s"
          options={CASE_STATUSES}
          empty={t('cases_all')}
          value={status}
          onChange={(s) => {
            setStatus(s);
            setPage(1);
          }}
        />
        <Check
          label={t('cases_overdue')}
          checked={overdue}
          onChange={(checked) => {
            setOverdue(checked);
            setPage(1);
          }}
        />
      </div>
      <Async state={state}>
        {(data) => {
          if (!data.items.length) return <p>{t('cases_none')}</p>;
          const mine = data.items.filter((c) => c.reporter?.id === user.id);
          const others = data.items.filter((c) => c.reporter?.id !== user.id);
          return (
            <>
              <section aria-labelledby="mine-h">
                <h2 id="mine-h">{t('cases_mine')}</h2>
                {mine.length ? <CaseRows items={mine} /> : <p class="muted">{t('cases_mine_none')}</p>}
              </section>
              {others.length > 0 && (
                <section aria-labelledby="others-h">
                  <h2 id="others-h">{t('cases_others')}</h2>
                  <CaseRows items={others} />
                </section>
              )}
              <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
            </>
          );
        }}
      </Async>
    </>
  );
}
