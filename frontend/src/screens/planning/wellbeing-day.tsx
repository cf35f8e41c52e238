/** "Ny trivselsdag": plan a wellbeing day or event (for those the API lets plan one), then open it. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { WELLBEING_DAY_KINDS, type WellbeingDayKind } from '../../api/enums';
import { MAX } from '../../api/limits';
import { todayIso } from '../../lib/dates';
import { t } from '../../lib/i18n';
import { navigate } from '../../lib/router';
import type { User } from '../../lib/session';
import { EnumSelect, SaveOrCancel } from '../../forms';
import { Field, FieldError, ProblemNotice, ToggleChips } from '../../ui';
import { useSchoolClasses, useStaffDirectory } from './pickers';

const GRADES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const;
type Grade = (typeof GRADES)[number];

export function NewWellbeingDay({ user, onCancel }: { user: User; onCancel: () => void }) {
  const classes = useSchoolClasses();
  const adults = useStaffDirectory(user);
  const [date, setDate] = useState(todayIso());
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<WellbeingDayKind>('wellbeing_day');
  const [description, setDescription] = useState('');
  const [classIds, setClassIds] = useState<string[]>([]);
  const [grades, setGrades] = useState<Grade[]>([]);
  const [adultIds, setAdultIds] = useState<string[]>([]);
  const [needWho, setNeedWho] = useState(false);
  const writer = useWriter();
  const className = new Map(classes.map((c) => [String(c.id), c.name]));
  const adultName = new Map(adults.map((a) => [String(a.id), a.name]));

  async function save(e: Event) {
    e.preventDefault();
    const none = !classIds.length && !grades.length;
    setNeedWho(none);
    if (none) return;
    const r = await writer.run((headers) =>
      api.POST('/api/v1/wellbeing-days', {
        headers,
        body: {
          date,
          title: title.trim(),
          kind,
          ...(description.trim() ? { description: description.trim() } : {}),
          class_ids: classIds.map(Number),
          grades: grades.map(Number),
          adult_ids: adultIds.map(Number),
        },
      }),
    );
    if (r?.ok) navigate(`/wellbeing-days/${r.data.id}`);
  }

  const fields = writer.problem?.fields ?? {};
  return (
    <form class="card stack plan-form" aria-labelledby="wd-new-h" onSubmit={save}>
      <h2 id="wd-new-h">{t('pl_wd_new')}</h2>
      <Field label={t('pl_wd_title')} error={fields.title}>
        <input required maxLength={MAX.WellbeingDayCreate.title} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <div class="toolbar">
        <Field label={t('pl_wd_date')} error={fields.date}>
          <input type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </Field>
        <EnumSelect label={t('pl_wd_kind')} prefix="wdkind" options={WELLBEING_DAY_KINDS} value={kind} onChange={setKind} />
      </div>
      <Field label={t('pl_wd_description')} error={fields.description}>
        <textarea rows={3} maxLength={MAX.WellbeingDayCreate.description} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      {classes.length > 0 && (
        <ToggleChips legend={t('pl_wd_classes')} options={[...className.keys()]} text={(id) => className.get(id) ?? id} value={classIds} onChange={setClassIds} />
      )}
      <ToggleChips legend={t('pl_wd_grades')} options={GRADES} text={(n) => t('pl_wd_grade', { n })} value={grades} onChange={setGrades} />
      <FieldError text={needWho ? t('pl_wd_need_who') : (fields.class_ids ?? fields.grades)} />
      <ToggleChips legend={t('pl_wd_adults')} options={[...adultName.keys()]} text={(id) => adultName.get(id) ?? id} value={adultIds} onChange={setAdultIds} />
      <ProblemNotice problem={writer.problem} shown={['title', 'date', 'description', 'class_ids', 'grades']} />
      <SaveOrCancel save={t('pl_wd_save')} busy={writer.busy} onCancel={onCancel} />
    </form>
  );
}
