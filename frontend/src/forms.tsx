/** Form pieces used only by the lazily loaded screens (kept out of the first-screen bundle). */
import type { ComponentChildren } from 'preact';
import type { Draft } from './lib/draft';
import { t, tEnum } from './lib/i18n';
import { Field } from './ui';

/** Shown while someone else's value, saved meanwhile, stands beside the user's draft (lib/draft.ts): the
 * other value (`children`), and the choice between keeping the draft and taking the saved value (then `onChoose`,
 * e.g. to clear the form's 412). */
export function SavedMeanwhile<T>({ draft, onChoose, children }: { draft: Draft<T>; onChoose?: () => void; children: ComponentChildren }) {
  if (draft.theirs === null) return null;
  const choose = (choice: () => void) => () => {
    choice();
    onChoose?.();
  };
  return (
    <div class="notice error" role="alert">
      <p>{t('draft_changed')}</p>
      {children}
      <div class="chips-row">
        <button type="button" class="btn secondary" onClick={choose(draft.keepMine)}>
          {t('draft_keep_mine')}
        </button>
        <button type="button" class="btn secondary" onClick={choose(draft.takeTheirs)}>
          {t('draft_take_theirs')}
        </button>
      </div>
    </div>
  );
}

/** A labelled `<select>` over an enum, each option shown as `tEnum(prefix, value)`; `empty` adds a first "" option. */
export function EnumSelect<T extends string>({
  label,
  prefix,
  options,
  value,
  onChange,
  empty,
}: {
  label: string;
  prefix: string;
  options: readonly T[];
  value: T | '';
  onChange: (v: T) => void;
  empty?: string;
}) {
  return (
    <Field label={label}>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as T)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {tEnum(prefix, o)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A form's submit button (off while it sends) and its cancel button. */
export function SaveOrCancel({ save, busy, onCancel }: { save: string; busy: boolean; onCancel: () => void }) {
  return (
    <div class="chips-row">
      <button type="submit" class="btn primary" disabled={busy}>
        {save}
      </button>
      <button type="button" class="btn secondary" onClick={onCancel}>
        {t('cancel')}
      </button>
    </div>
  );
}
