/** The school's antimobbestrategi: its versions, the one in force, a printable page for the parents' meeting, and
 * (leaders, admins) a new version as the school board adopted it. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../api/client';
import { MAX } from '../api/limits';
import type { Schemas } from '../api/types';
import { formatDate } from '../lib/dates';
import { getLang, t, tEnum } from '../lib/i18n';
import type { User } from '../lib/session';
import { Async, Field, ProblemNotice, useLoad } from '../ui';

type Version = Schemas['StrategyVersionRead'];
const SECTIONS = ['purpose', 'definitions', 'prevention', 'detection', 'intervention', 'digital_bullying'] as const;
type SectionKey = (typeof SECTIONS)[number];

function VersionText({ v }: { v: Version }) {
  const lang = getLang();
  return (
    <article>
      <h2>
        {v.title} ({t('st_version', { n: v.number })})
      </h2>
      <p class="muted">
        {t('st_adopted', { by: v.adopted_by, date: formatDate(v.adopted_on, lang, false) })} ·{' '}
        {t('st_applies', { date: formatDate(v.applies_from, lang, false) })}
      </p>
      <p>
        <a class="btn secondary" href={`/api/v1/strategy/versions/${v.id}/print`} target="_blank" rel="noopener">
          {t('st_print')}
        </a>
      </p>
      {SECTIONS.map((k) => (
        <section key={k}>
          <h3 class="sub">{tEnum('sts', k)}</h3>
          <p class="pre">{v[k]}</p>
        </section>
      ))}
      <h3 class="sub">{t('st_response')}</h3>
      <dl class="kv">
        {v.response.map((r) => (
          <>
            <dt>{tEnum('aud', r.audience)}</dt>
            <dd>{r.text}</dd>
          </>
        ))}
      </dl>
    </article>
  );
}

function NewVersion({ base, onSaved }: { base: Version | null; onSaved: () => void }) {
  const writer = useWriter();
  const [title, setTitle] = useState(base?.title ?? '');
  const [texts, setTexts] = useState<Record<SectionKey, string>>(() => {
    const out = {} as Record<SectionKey, string>;
    for (const k of SECTIONS) out[k] = base?.[k] ?? '';
    return out;
  });
  const [adoptedBy, setAdoptedBy] = useState(base?.adopted_by ?? '');
  const [adoptedOn, setAdoptedOn] = useState('');
  const [appliesFrom, setAppliesFrom] = useState('');
  async function save(e: Event) {
    e.preventDefault();
    const r = await writer.run((headers) =>
      api.POST('/api/v1/strategy/versions', {
        headers,
        body: { title, ...texts, response: base?.response, adopted_by: adoptedBy, adopted_on: adoptedOn, applies_from: appliesFrom },
      }),
    );
    if (r?.ok) onSaved();
  }
  return (
    <form class="stack" onSubmit={save}>
      <h2>{t('st_new')}</h2>
      <Field label={t('st_title')} error={writer.problem?.fields.title}>
        <input type="text" required maxLength={MAX.StrategyVersionCreate.title} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      {SECTIONS.map((k) => (
        <Field key={k} label={tEnum('sts', k)} error={writer.problem?.fields[k]}>
          <textarea rows={4} required maxLength={MAX.StrategyVersionCreate[k]} value={texts[k]} onInput={(e) => setTexts({ ...texts, [k]: e.currentTarget.value })} />
        </Field>
      ))}
      <Field label={t('st_adopted_by')} error={writer.problem?.fields.adopted_by}>
        <input type="text" required maxLength={MAX.StrategyVersionCreate.adopted_by} value={adoptedBy} onInput={(e) => setAdoptedBy(e.currentTarget.value)} />
      </Field>
      <Field label={t('st_adopted_on')} error={writer.problem?.fields.adopted_on}>
        <input type="date" required value={adoptedOn} onInput={(e) => setAdoptedOn(e.currentTarget.value)} />
      </Field>
      <Field label={t('st_applies_from')} error={writer.problem?.fields.applies_from}>
        <input type="date" required value={appliesFrom} onInput={(e) => setAppliesFrom(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn" disabled={writer.busy}>
        {t('st_save')}
      </button>
      <ProblemNotice problem={writer.problem} shown={['title', ...SECTIONS, 'adopted_by', 'adopted_on', 'applies_from']} />
    </form>
  );
}

export function StrategyScreen(_: { user: User }) {
  const list = useLoad(() => api.GET('/api/v1/strategy/versions', { params: { query: { page: 1, page_size: 100 } } }), []);
  const review = useLoad(() => api.GET('/api/v1/strategy/review'), []);
  const [chosen, setChosen] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const current = list.data?.items.find((v) => (chosen === null ? v.in_force : v.id === chosen)) ?? list.data?.items[0];
  const version = useLoad(
    () => (current ? api.GET('/api/v1/strategy/versions/{version_id}', { params: { path: { version_id: current.id } } }) : Promise.resolve({ data: undefined, response: new Response(null, { status: 404 }) })),
    [current?.id],
  );
  const lang = getLang();
  // The nav offers this screen to every staff member; the API says who of them may record a new version.
  const mayAdd = review.data?.can_add_version === true;
  return (
    <>
      <h1>{t('nav_strategy')}</h1>
      {review.data && review.data.status !== 'ok' && (
        <p class="notice" role="status">
          {review.data.status === 'missing'
            ? t('st_missing')
            : t('st_review_due', { date: review.data.review_due_on ? formatDate(review.data.review_due_on, lang, false) : '' })}
        </p>
      )}
      <Async state={list}>
        {(d) => (
          <>
            <h2>{t('st_versions')}</h2>
            <ul class="list">
              {d.items.map((v) => (
                <li key={v.id} class="card">
                  <div class="row-main">
                    <button type="button" class="btn ghost" aria-pressed={current?.id === v.id} onClick={() => setChosen(v.id)}>
                      {t('st_version', { n: v.number })}: {v.title}
                    </button>
                    <span class="muted small">
                      {t('st_applies', { date: formatDate(v.applies_from, lang, false) })}
                      {v.in_force ? ` · ${t('st_in_force')}` : ''}
                    </span>
                  </div>
                </li>
              ))}
            </ul>
            {d.items.length === 0 && <p>{t('st_none')}</p>}
          </>
        )}
      </Async>
      {mayAdd && !adding && (
        <p>
          <button type="button" class="btn secondary" onClick={() => setAdding(true)}>
            {t('st_add')}
          </button>
        </p>
      )}
      {adding && (
        <NewVersion
          base={version.data ?? null}
          onSaved={() => {
            setAdding(false);
            setChosen(null);
            list.reload();
            review.reload();
          }}
        />
      )}
      {current && version.data && <VersionText v={version.data} />}
    </>
  );
}
