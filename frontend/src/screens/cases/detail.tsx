/**
 * One case. On a phone, one column with a table of contents at the top; on a laptop (≥ 1024 px) two columns: the
 * case's facts and its history on the left, the work beside them with the table of contents kept in view.
 * Every control is there because the API lists it for this user (allowed_transitions, allowed_actions).
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { allowedActions } from '../../api/actions';
import { formatDate, formatDateTime } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import type { User } from '../../lib/session';
import { Async, useLoad } from '../../ui';
import { AcuteMeasures } from './acute';
import { Audiences } from './audiences';
import { Complaints } from './complaints';
import { FollowUps } from './followups';
import { Information } from './information';
import { Notes } from './notes';
import { PupilPerspective } from './perspective';
import { ActionPlan } from './plan';
import { Referrals } from './referrals';
import { Section, type Incident } from './shared';
import { StatusActions } from './status';
import { Timeline } from './timeline';

function Facts({ c }: { c: Incident }) {
  const lang = getLang();
  return (
    <>
      <dl class="kv">
        <dt>{t('case_occurred')}</dt>
        <dd>{formatDateTime(c.occurred_at, lang)}</dd>
        {c.place && (
          <>
            <dt>{t('case_place')}</dt>
            <dd>{tEnum('place', c.place)}</dd>
          </>
        )}
        {c.digital_medium && (
          <>
            <dt>{t('ql_platform')}</dt>
            <dd>{c.digital_medium}</dd>
          </>
        )}
        <dt>{t('case_reported_by', { name: '' }).trim()}</dt>
        <dd>{(c.reporter ?? c.reporting_client)?.name}</dd>
        {c.knowledge_source && (
          <>
            <dt>{t('ql_how_known')}</dt>
            <dd>{tEnum('k', c.knowledge_source)}</dd>
          </>
        )}
        {c.established_at && (
          <>
            <dt>{t('case_established_on')}</dt>
            <dd>
              {formatDate(c.established_at, lang)}
              {c.established_by ? ` · ${c.established_by.name}` : ''}
            </dd>
          </>
        )}
      </dl>
      {c.description && (
        <>
          <h3 class="sub">{t('case_description')}</h3>
          <p>{c.description}</p>
        </>
      )}
      <h3 class="sub">{t('case_students')}</h3>
      <ul class="list">
        {c.students.map((s) => (
          <li key={s.id} class="card">
            <div class="row-main">
              <a href={`#/students/${s.id}`}>{s.display_name}</a>
              <span class="muted small">
                {tEnum('r', s.role)}
                {s.class_name ? ` · ${s.class_name}` : ''}
              </span>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Jump to a section without touching the hash (it holds the route). */
function Contents({ sections }: { sections: [string, string][] }) {
  return (
    <nav class="toc no-print" aria-label={t('case_contents')}>
      <ul>
        {sections.map(([id, title]) => (
          <li key={id}>
            <button
              type="button"
              class="toc-link"
              onClick={() => {
                const el = document.getElementById(id);
                el?.scrollIntoView({ block: 'start' });
                el?.focus({ preventScroll: true });
              }}
            >
              {title}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function CaseDetail({ id }: { id: string; user: User }) {
  const incidentId = Number(id);
  const state = useLoad(() => api.GET('/api/v1/incidents/{incident_id}', { params: { path: { incident_id: incidentId } } }), [incidentId]);
  const [message, setMessage] = useState<string | null>(null);
  // Every write to the case (case work included) changes its ETag, so each reloads it; the timeline follows.
  const [revision, setRevision] = useState(0);
  const refresh = () => {
    setRevision((n) => n + 1);
    state.reload();
  };

  return (
    <>
      <p class="no-print">
        <a class="back" href="#/cases">
          ← {t('nav_cases')}
        </a>
      </p>
      <Async state={state}>
        {(c) => {
          const actions = allowedActions(c);
          const fullView = c.view === 'full';
          const work: [string, string][] = [];
          if (fullView && c.established_at) {
            work.push(['sec-plan', t('case_action_plan')], ['sec-acute', t('case_acute')], ['sec-audiences', t('case_audiences')], ['sec-followups', t('case_followups')]);
          }
          if (fullView) work.push(['sec-information', t('case_information')]);
          if (fullView) work.push(['sec-perspective', t('case_pupil_perspective')], ['sec-referrals', t('case_referrals')], ['sec-complaints', t('case_complaints')]);
          work.push(['sec-notes', t('case_notes')]);
          const sections: [string, string][] = [['sec-facts', t('case_facts')], ['sec-timeline', t('case_timeline')], ...work];
          return (
            <>
              <h1>
                {t('case_title', { id: c.id })}: {tEnum('c', c.classification)}
              </h1>
              <p>
                <span class="pill">{tEnum('s', c.status)}</span>
              </p>
              {!fullView && <p class="notice">{t('case_reporter_view')}</p>}
              {message && (
                <p class="notice ok" role="status">
                  {message}
                </p>
              )}
              <div class="case-layout">
                <div class="case-facts">
                  <Section id="sec-facts" title={t('case_facts')}>
                    <Facts c={c} />
                    <StatusActions c={c} etag={state.etag} actions={actions} onChanged={refresh} onMessage={setMessage} />
                  </Section>
                  <Section id="sec-timeline" title={t('case_timeline')}>
                    <Timeline incidentId={c.id} version={`${revision}:${state.etag ?? ''}`} />
                  </Section>
                </div>
                <div class="case-work">
                  <Contents sections={sections} />
                  {fullView && c.established_at && (
                    <>
                      <Section id="sec-plan" title={t('case_action_plan')}>
                        <ActionPlan c={c} canWrite={actions.has('write_action_plan')} onSaved={refresh} />
                      </Section>
                      <Section id="sec-acute" title={t('case_acute')}>
                        <AcuteMeasures c={c} canAdd={actions.has('add_acute_measure')} onSaved={refresh} />
                      </Section>
                      <Section id="sec-audiences" title={t('case_audiences')}>
                        <Audiences c={c} canEdit={actions.has('update_checklist')} onSaved={refresh} />
                      </Section>
                      <Section id="sec-followups" title={t('case_followups')}>
                        <FollowUps c={c} canRecord={actions.has('record_follow_up')} onSaved={refresh} />
                      </Section>
                    </>
                  )}
                  {fullView && (
                    <Section id="sec-information" title={t('case_information')}>
                      <Information incidentId={c.id} />
                    </Section>
                  )}
                  {fullView && (
                    <>
                      <Section id="sec-perspective" title={t('case_pupil_perspective')}>
                        <PupilPerspective
                          incidentId={c.id}
                          value={c.pupil_perspective ?? ''}
                          etag={state.etag}
                          canEdit={actions.has('set_pupil_perspective')}
                          onSaved={refresh}
                        />
                      </Section>
                      <Section id="sec-referrals" title={t('case_referrals')}>
                        <Referrals c={c} canAdd={actions.has('add_referral')} canUpdate={actions.has('update_referral')} onSaved={refresh} />
                      </Section>
                      <Section id="sec-complaints" title={t('case_complaints')}>
                        <Complaints c={c} />
                      </Section>
                    </>
                  )}
                  <Section id="sec-notes" title={t('case_notes')}>
                    <Notes incidentId={c.id} canAdd={actions.has('add_note')} onAdded={refresh} />
                  </Section>
                </div>
              </div>
            </>
          );
        }}
      </Async>
    </>
  );
}
