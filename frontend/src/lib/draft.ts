/**
 * A form's draft of a saved record, kept across reloads of the record. The draft remembers the saved value it
 * was started from and that value's ETag, which is what a save may replace (If-Match). When the record is read
 * again:
 * - nothing typed yet, or what was typed is what is now saved: the draft follows the record;
 * - typed, and the record's value is still the one the draft started from (something else about it changed,
 *   or this user's own save came back): the draft stays and takes the new ETag;
 * - typed, and someone else saved another value meanwhile: the draft stays, with its old ETag, and the form
 *   shows the other value until the user keeps theirs (saving over it) or takes the saved one.
 * So what a user typed is never replaced by a reload, and never saved over a value they were not shown.
 */
import { useEffect, useState } from 'preact/hooks';

export type DraftState<T> = { draft: T; base: T; etag: string | null };

export const sameJson = <T,>(a: T, b: T): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The draft's state once the record is read again (`saved`, `etag`): see above. */
export function reread<T>(s: DraftState<T>, saved: T, etag: string | null, same: (a: T, b: T) => boolean = sameJson): DraftState<T> {
  if (same(s.draft, s.base) || same(s.draft, saved)) return { draft: saved, base: saved, etag };
  if (same(saved, s.base)) return s.etag === etag ? s : { ...s, etag };
  return s;
}

/** The other value saved meanwhile, while the draft differs from both it and the value it started from. */
export function savedMeanwhile<T>(s: DraftState<T>, saved: T, same: (a: T, b: T) => boolean = sameJson): T | null {
  return !same(s.draft, s.base) && !same(saved, s.base) ? saved : null;
}

export type Draft<T> = {
  value: T;
  set: (value: T) => void;
  /** The ETag to send as If-Match: the one of the value the draft started from. */
  etag: string | null;
  dirty: boolean;
  /** Someone else's value, saved while this draft was being written (null: none). */
  theirs: T | null;
  /** Keep the draft, to be saved over the value now shown. */
  keepMine: () => void;
  /** Drop the draft for the value now saved. */
  takeTheirs: () => void;
  /** This form saved `value`; the server answered with `etag`. */
  wrote: (value: T, etag: string | null) => void;
};

export function useDraft<T>(saved: T, etag: string | null, same: (a: T, b: T) => boolean = sameJson): Draft<T> {
  const [s, setS] = useState<DraftState<T>>({ draft: saved, base: saved, etag });
  const key = JSON.stringify(saved);
  useEffect(() => setS((cur) => reread(cur, saved, etag, same)), [key, etag]);
  return {
    value: s.draft,
    set: (value) => setS((cur) => ({ ...cur, draft: value })),
    etag: s.etag,
    dirty: !same(s.draft, s.base),
    theirs: savedMeanwhile(s, saved, same),
    keepMine: () => setS((cur) => ({ ...cur, base: saved, etag })),
    takeTheirs: () => setS({ draft: saved, base: saved, etag }),
    wrote: (value, newEtag) => setS({ draft: value, base: value, etag: newEtag }),
  };
}
