/** Form pieces used only by the lazily loaded screens (kept out of the first-screen bundle). */
import { tEnum } from './lib/i18n';
import { Field } from './ui';

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
