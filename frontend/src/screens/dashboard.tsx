/**
 * The leader's overview ("Overblik"): the attention list, the heat map of place × hour and the per-class trend,
 * over a chosen period. Loaded lazily with its chart library (uPlot), so the first screen stays small.
 * Every chart has a real table next to it for screen readers (and for the print at the staff meeting);
 * small counts come hidden from the server and are shown as "under 5", never guessed at.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, useWriter } from '../api/client';
import type { Read } from '../api/types';
import { formatDate, todayIso } from '../lib/dates';
import { getLang, t, tEnum, useLang } from '../lib/i18n';
import type { User } from '../lib/session';
import { Async, ProblemNotice, useLoad } from '../ui';
import { txt } from './dashboard-text';
import './dashboard.css';

type Table = Read<'TableRead'>;
type Attention = Read<'AttentionRead'>;
type Group = Attention['groups'][number];
type Item = Group['items'][number];

function schoolYearStart(today: string): string {
  const [y, m] = today.split('-').map(Number);
  return `${m >= 8 ? y : y - 1}-08-01`;
}

/** "uge 41" / "week 41" from "2026-W41"; "okt. 2026" from "2026-10". */
function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(getLang() === 'da' ? 'da-DK' : 'en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 15)),
  );
}

function months(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

function countText(count: number | null, table: Table): string {
  return count === null ? txt('under', { n: table.threshold }) : String(count);
}

/** Where a table's CSV comes from: the school's own aggregate, or the municipality's side by side. */
interface Place {
  id: string;
  csvBase: string;
}
const SCHOOL: Place = { id: '', csvBase: '/api/v1/analytics' };

function csvHref(place: Place, view: string, from: string, to: string): string {
  return `${place.csvBase}/${view}.csv?date_from=${from}&date_to=${to}`;
}

// ------------------------------------------------------------------ attention list

function itemHref(item: Item): string {
  if (item.record_type === 'incident') return `#/cases/${item.record_id}`;
  if (item.record_type === 'student') return `#/students/${item.record_id}`;
  return `#/play-partners/${item.record_id}`;
}

function itemText(item: Item): { title: string; detail: string } {
  const lang = getLang();
  const day = item.day ? formatDate(item.day, lang, false) : '';
  if (item.record_type === 'incident') {
    const due = item.kind.startsWith('plan_') || item.kind === 'no_acute_measure' || item.kind === 'follow_up_due';
    return {
      title: `${tEnum('c', item.classification)} · ${t('case_title', { id: item.record_id })}`,
      detail: due ? txt('due', { day }) : day,
    };
  }
  if (item.record_type === 'student' && item.student) {
    return {
      title: `${item.student.display_name}${item.student.class_name ? ` (${item.student.class_name})` : ''}`,
      detail: txt('low_mood_times', { n: item.count ?? 0, day }),
    };
  }
  return {
    title: txt('arrangement', { id: item.record_id }),
    detail: item.day ? txt('last_check_in', { day }) : txt('never_checked_in'),
  };
}

function AttentionList({ data, onSeen }: { data: Attention; onSeen: () => void }) {
  const lang = getLang();
  // A refused or lost "seen" says so: the list would otherwise just stay as it was.
  const writer = useWriter();
  const shown = data.groups.filter((g) => g.total > 0);
  return (
    <section aria-labelledby="attention-h" class="dash-section">
      <div class="dash-head">
        <h2 id="attention-h">{txt('attention')}</h2>
        <button
          type="button"
          class="btn secondary no-print"
          disabled={writer.busy}
          onClick={async () => {
            const r = await writer.run(() => api.POST('/api/v1/attention/seen'));
            if (r?.ok) onSeen();
          }}
        >
          {txt('mark_seen')}
        </button>
      </div>
      <ProblemNotice problem={writer.problem} />
      <p class="muted small">{txt('new_since', { day: formatDate(data.since, lang, false) })}</p>
      {shown.length === 0 && <p>{txt('nothing')}</p>}
      <div class="attention-groups">
        {shown.map((g) => (
          <section key={g.kind} class="card attention-group" aria-labelledby={`att-${g.kind}`}>
            <h3 id={`att-${g.kind}`}>
              {txt(`kind_${g.kind}`, { n: data.unassessed_after })} <span class="pill">{g.total}</span>
            </h3>
            <ul class="plain-list">
              {g.items.map((item) => {
                const { title, detail } = itemText(item);
                return (
                  <li key={`${item.record_type}-${item.record_id}`}>
                    <a href={itemHref(item)}>{title}</a>
                    <span class="muted small">{detail}</span>
                  </li>
                );
              })}
            </ul>
            {g.total > g.items.length && <p class="muted small">{txt('more', { n: g.total - g.items.length })}</p>}
          </section>
        ))}
      </div>
    </section>
  );
}

// ------------------------------------------------------------------ heat map (a table with coloured cells)

function heatLevel(count: number | null, max: number): number {
  if (count === null) return 0;
  return Math.min(4, Math.max(1, Math.ceil((count / Math.max(max, 1)) * 4)));
}

function HeatMap({ table, from, to, place = SCHOOL }: { table: Table; from: string; to: string; place?: Place }) {
  const h = `heat-h${place.id}`;
  const places = [...new Set(table.cells.map((c) => c.keys.place))].sort((a, b) => tEnum('place', a).localeCompare(tEnum('place', b)));
  const hoursSeen = table.cells.map((c) => Number(c.keys.hour));
  const first = Math.min(7, ...hoursSeen);
  const last = Math.max(16, ...hoursSeen);
  const hours = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const byKey = new Map(table.cells.map((c) => [`${c.keys.place}|${c.keys.hour}`, c]));
  const max = Math.max(0, ...table.cells.map((c) => c.count ?? 0));
  return (
    <section aria-labelledby={h} class="dash-section">
      <div class="dash-head">
        <h2 id={h}>{txt('heatmap')}</h2>
        <a class="btn secondary no-print" href={csvHref(place, 'heatmap', from, to)} download>
          {txt('csv')}
        </a>
      </div>
      {table.cells.length === 0 ? (
        <p>{txt('no_data')}</p>
      ) : (
        // Wider than a phone: the table scrolls sideways, so keyboard users can reach it (focusable region).
        <div class="table-wrap" tabIndex={0} role="region" aria-labelledby={h}>
          <table class="heatmap">
            <caption>{txt('heatmap_caption', { n: table.threshold })}</caption>
            <thead>
              <tr>
                <th scope="col">{txt('place')}</th>
                {hours.map((h) => (
                  <th scope="col" key={h} abbr={txt('hour_long', { h })}>
                    {String(h).padStart(2, '0')}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {places.map((p) => (
                <tr key={p}>
                  <th scope="row">{p === 'unknown' ? txt('unknown_place') : tEnum('place', p)}</th>
                  {hours.map((h) => {
                    const cell = byKey.get(`${p}|${h}`);
                    if (!cell) return <td key={h} class="heat heat-empty"></td>;
                    return (
                      <td key={h} class={`heat heat-${cell.suppressed ? 's' : heatLevel(cell.count, max)}`}>
                        {cell.suppressed ? <abbr title={countText(null, table)}>{`<${table.threshold}`}</abbr> : cell.count}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// ------------------------------------------------------------------ per-class trend (uPlot + a table)

const SERIES_COLOURS = ['#0b5cad', '#a4001c', '#0f6b34', '#8a4b00', '#5b2a86', '#00707a', '#6b6b00', '#b3006b'];

function TrendChart({ labels, series }: { labels: string[]; series: { name: string; values: (number | null)[] }[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !series.length) return;
    let chart: { destroy: () => void; setSize: (s: { width: number; height: number }) => void } | null = null;
    let alive = true;
    const size = () => ({ width: Math.max(280, el.clientWidth), height: 260 });
    void import('uplot').then(({ default: UPlot }) => {
      if (!alive) return;
      chart = new UPlot(
        {
          ...size(),
          legend: { show: true },
          cursor: { show: true },
          scales: { x: { time: false } },
          axes: [{ values: (_u: unknown, ticks: number[]) => ticks.map((i) => labels[i] ?? '') }, {}],
          series: [{ label: txt('month') }, ...series.map((s, i) => ({ label: s.name, stroke: SERIES_COLOURS[i % SERIES_COLOURS.length], width: 2, spanGaps: false }))],
        },
        [labels.map((_, i) => i), ...series.map((s) => s.values)] as never,
        el,
      );
    });
    const onResize = () => chart?.setSize(size());
    window.addEventListener('resize', onResize);
    return () => {
      alive = false;
      window.removeEventListener('resize', onResize);
      chart?.destroy();
    };
  }, [labels.join(','), JSON.stringify(series)]);
  // The picture is for sighted readers; the table below carries the same numbers for everyone.
  return <div ref={box} class="trend-chart" aria-hidden="true"></div>;
}

function Trend({ table, from, to, place = SCHOOL }: { table: Table; from: string; to: string; place?: Place }) {
  const h = `trend-h${place.id}`;
  const monthList = months(from.slice(0, 7), to.slice(0, 7));
  const classes = [...new Set(table.cells.map((c) => c.keys.class))].sort((a, b) =>
    (table.labels.class?.[a] ?? a).localeCompare(table.labels.class?.[b] ?? b, 'da', { numeric: true }),
  );
  const byKey = new Map(table.cells.map((c) => [`${c.keys.class}|${c.keys.month}`, c]));
  const series = classes.map((c) => ({
    name: table.labels.class?.[c] ?? c,
    values: monthList.map((m) => {
      const cell = byKey.get(`${c}|${m}`);
      return cell ? cell.count : 0;
    }),
  }));
  return (
    <section aria-labelledby={h} class="dash-section">
      <div class="dash-head">
        <h2 id={h}>{txt('trend')}</h2>
        <a class="btn secondary no-print" href={csvHref(place, 'class-trend', from, to)} download>
          {txt('csv')}
        </a>
      </div>
      {classes.length === 0 ? (
        <p>{txt('no_data')}</p>
      ) : (
        <>
          <TrendChart labels={monthList.map(monthLabel)} series={series} />
          <div class="table-wrap" tabIndex={0} role="region" aria-labelledby={h}>
            <table class="trend-table">
              <caption>{txt('trend_caption', { n: table.threshold })}</caption>
              <thead>
                <tr>
                  <th scope="col">{txt('class')}</th>
                  {monthList.map((m) => (
                    <th scope="col" key={m}>
                      {monthLabel(m)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {classes.map((c) => (
                  <tr key={c}>
                    <th scope="row">{table.labels.class?.[c] ?? c}</th>
                    {monthList.map((m) => {
                      const cell = byKey.get(`${c}|${m}`);
                      return <td key={m}>{cell ? countText(cell.suppressed ? null : cell.count, table) : '0'}</td>;
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

// ------------------------------------------------------------------ the screens

function PeriodPicker({ from, to, today, onFrom, onTo }: { from: string; to: string; today: string; onFrom: (v: string) => void; onTo: (v: string) => void }) {
  return (
    <>
      <div class="toolbar period no-print" role="group" aria-label={txt('period')}>
        <label class="field">
          <span>{txt('from')}</span>
          <input type="date" value={from} max={to} onChange={(e) => onFrom((e.target as HTMLInputElement).value || schoolYearStart(today))} />
        </label>
        <label class="field">
          <span>{txt('to')}</span>
          <input type="date" value={to} min={from} max={today} onChange={(e) => onTo((e.target as HTMLInputElement).value || today)} />
        </label>
      </div>
      <p class="muted small">{txt('period_text', { from: formatDate(from, getLang(), false), to: formatDate(to, getLang(), false) })}</p>
    </>
  );
}

/** The municipality's view: each school's heat map and trend side by side (small cells hidden, no names). */
export function Municipality({ user }: { user: User }) {
  useLang();
  const today = todayIso();
  const [from, setFrom] = useState(schoolYearStart(today));
  const [to, setTo] = useState(today);
  const period = { date_from: from, date_to: to };
  const me = useLoad(() => api.GET('/api/v1/municipality'), []);
  const heat = useLoad(() => api.GET('/api/v1/municipality/analytics/heatmap', { params: { query: period } }), [from, to]);
  const trend = useLoad(() => api.GET('/api/v1/municipality/analytics/class-trend', { params: { query: period } }), [from, to]);
  const place = (id: number): Place => ({ id: `-${id}`, csvBase: '/api/v1/municipality/analytics' });
  return (
    <div class="dashboard">
      <div class="dash-head">
        <Async state={me}>{(m) => <h1>{m.name}</h1>}</Async>
        <button type="button" class="btn secondary no-print" onClick={() => window.print()}>
          {txt('print')}
        </button>
      </div>
      <p class="print-only">{txt('printed', { name: user.name, day: formatDate(today, getLang(), false) })}</p>
      <p class="muted small">{txt('municipality_note')}</p>
      <PeriodPicker from={from} to={to} today={today} onFrom={setFrom} onTo={setTo} />
      <Async state={heat}>
        {(h) => (
          <Async state={trend}>
            {(tr) => (
              <div class="school-columns">
                {h.schools.map((s) => {
                  const tt = tr.schools.find((x) => x.school.id === s.school.id);
                  return (
                    <section key={s.school.id} class="school-column" aria-labelledby={`school-${s.school.id}`}>
                      <h2 id={`school-${s.school.id}`} class="school-name">
                        {s.school.name}
                      </h2>
                      <HeatMap table={s.table} from={from} to={to} place={place(s.school.id)} />
                      {tt && <Trend table={tt.table} from={from} to={to} place={place(s.school.id)} />}
                    </section>
                  );
                })}
              </div>
            )}
          </Async>
        )}
      </Async>
    </div>
  );
}

export function Dashboard({ user }: { user: User }) {
  useLang();
  const today = todayIso();
  const [from, setFrom] = useState(schoolYearStart(today));
  const [to, setTo] = useState(today);
  const period = { date_from: from, date_to: to };
  const attention = useLoad(() => api.GET('/api/v1/attention'), []);
  const heat = useLoad(() => api.GET('/api/v1/analytics/heatmap', { params: { query: period } }), [from, to]);
  const trend = useLoad(() => api.GET('/api/v1/analytics/class-trend', { params: { query: period } }), [from, to]);
  return (
    <div class="dashboard">
      <div class="dash-head">
        <h1>{txt('title')}</h1>
        <button type="button" class="btn secondary no-print" onClick={() => window.print()}>
          {txt('print')}
        </button>
      </div>
      <p class="print-only">{txt('printed', { name: user.name, day: formatDate(today, getLang(), false) })}</p>
      <Async state={attention}>{(data) => <AttentionList data={data} onSeen={attention.reload} />}</Async>
      <PeriodPicker from={from} to={to} today={today} onFrom={setFrom} onTo={setTo} />
      <div class="dash-charts">
        <Async state={heat}>{(data) => <HeatMap table={data} from={from} to={to} />}</Async>
        <Async state={trend}>{(data) => <Trend table={data} from={from} to={to} />}</Async>
      </div>
    </div>
  );
}
