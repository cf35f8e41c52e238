/** The overview's words, Danish first: kept in the overview's own chunk, not in the first screen's dictionary. */
import { getLang } from '../lib/i18n';

const da = {
  title: 'Overblik',
  print: 'Udskriv til personalemødet',
  printed: 'Udskrevet af {name}, {day}',
  attention: 'Kræver opmærksomhed',
  mark_seen: 'Markér som set',
  new_since: 'Nyt siden {day}.',
  nothing: 'Intet kræver opmærksomhed lige nu.',
  more: '… og {n} mere.',
  kind_new_report: 'Nye registreringer',
  kind_unassessed: 'Mobning o.l. ikke vurderet efter {n} arbejdsdage',
  kind_plan_overdue: 'Handlingsplaner over fristen',
  kind_plan_due_soon: 'Handlingsplaner med frist inden for 2 arbejdsdage',
  kind_no_acute_measure: 'Konstateret mobning uden akut indsats',
  kind_follow_up_due: 'Opfølgningsmøder denne uge',
  kind_play_partner_no_check_in: 'Legemakker-aftaler uden opfølgning i 2 uger',
  kind_low_mood: 'Elever i gentagen mistrivsel',
  due: 'frist {day}',
  low_mood_times: '{n} gange lav trivsel, senest {day}',
  arrangement: 'Legemakker-aftale #{id}',
  last_check_in: 'sidst fulgt op {day}',
  never_checked_in: 'aldrig fulgt op',
  period: 'Periode',
  from: 'Fra',
  to: 'Til',
  period_text: 'Mønstre for {from} til {to}. Kun sager, du har adgang til.',
  heatmap: 'Hvor og hvornår',
  heatmap_caption: 'Hændelser efter sted og klokkeslæt (time). Tal under {n} vises ikke, når flere klasser lægges sammen.',
  place: 'Sted',
  hour_long: 'kl. {h}',
  unknown_place: 'Ikke angivet',
  trend: 'Udvikling pr. klasse',
  trend_caption: 'Hændelser pr. klasse og måned. Tal under {n} vises ikke for andre klasser end dine egne.',
  class: 'Klasse',
  month: 'Måned',
  under: 'under {n}',
  csv: 'Hent som CSV (Excel)',
  no_data: 'Ingen hændelser i perioden.',
  municipality_note: 'Hver skoles tal side om side. Tal under 5 vises ikke, og ingen navne.',
};

type TextKey = keyof typeof da;

const en: Record<TextKey, string> = {
  title: 'Overview',
  print: 'Print for the staff meeting',
  printed: 'Printed by {name}, {day}',
  attention: 'Needs attention',
  mark_seen: 'Mark as seen',
  new_since: 'New since {day}.',
  nothing: 'Nothing needs attention right now.',
  more: '… and {n} more.',
  kind_new_report: 'New reports',
  kind_unassessed: 'Bullying and the like not assessed after {n} working days',
  kind_plan_overdue: 'Action plans past the deadline',
  kind_plan_due_soon: 'Action plans due within 2 working days',
  kind_no_acute_measure: 'Established bullying without an acute measure',
  kind_follow_up_due: 'Follow-up meetings this week',
  kind_play_partner_no_check_in: 'Play-partner arrangements without a check-in for 2 weeks',
  kind_low_mood: 'Students repeatedly in low mood',
  due: 'due {day}',
  low_mood_times: '{n} times low mood, last {day}',
  arrangement: 'Play-partner arrangement #{id}',
  last_check_in: 'last check-in {day}',
  never_checked_in: 'never checked in',
  period: 'Period',
  from: 'From',
  to: 'To',
  period_text: 'Patterns for {from} to {to}. Only cases you have access to.',
  heatmap: 'Where and when',
  heatmap_caption: 'Incidents by place and hour. Counts under {n} are hidden when several classes are added up.',
  place: 'Place',
  hour_long: '{h} o’clock',
  unknown_place: 'Not given',
  trend: 'Trend per class',
  trend_caption: 'Incidents per class and month. Counts under {n} are hidden for classes other than your own.',
  class: 'Class',
  month: 'Month',
  under: 'under {n}',
  csv: 'Download as CSV (Excel)',
  no_data: 'No incidents in the period.',
  municipality_note: 'Each school side by side. Counts under 5 are hidden, and no names are shown.',
};

/** The text in the chosen language, {placeholders} filled. */
export function txt(key: string, params?: Record<string, string | number>): string {
  const dict: Record<string, string> = getLang() === 'en' ? en : da;
  let text = dict[key] ?? da[key as TextKey] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}
