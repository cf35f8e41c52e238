/**
 * Quick log: from opening the app to a saved incident in four taps plus two letters of the name. The name field
 * has focus on open; type two letters, tap the student, tap what happened, tap the place (the last one is already
 * chosen), tap Gem. Each student's role is asked, never guessed from the order of picking; place and time come
 * with defaults a teacher can see; the receipt says what was saved, about whom, and whether it left the phone.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { newIdempotencyKey } from '../../api/client';
import type { IncidentRole } from '../../api/enums';
import { justAfterRecess, type Recess } from '../../lib/dates';
import { getLang, t } from '../../lib/i18n';
import * as outbox from '../../lib/outbox';
import { rememberStudents, type StudentLite } from '../../lib/recent';
import { lastPlace, refreshSchool, rememberPlace, storedPlaces, storedRecesses } from '../../lib/school';
import type { User } from '../../lib/session';
import { sendNow, sentLog } from '../../lib/sync';
import { Details } from './details';
import { blankDraft, check, defaultRole, toEntry, type Draft, type Errors, type Picked, type What } from './draft';
import { SaveBar, takeBack, UNDO_MS, type Receipt } from './receipt';
import { StudentPicker, useStudentFinder } from './students';
import { WhatStep } from './what';

export function QuickLog({ user, initialWhat }: { user: User; initialWhat?: string }) {
  const lang = getLang();
  const [places, setPlaces] = useState<string[]>(storedPlaces);
  const [recesses, setRecesses] = useState<Recess[]>(storedRecesses);
  const remembered = lastPlace(user.id);
  const [draft, setDraft] = useState<Draft>(() => ({
    ...blankDraft(remembered && places.includes(remembered) ? remembered : null, recesses),
    what: initialWhat === 'observation' ? 'observation' : null,
  }));
  const { picked, what } = draft;
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  // The outbox key of the log this form will save: fixed while the form is open, so saving twice saves once.
  const [key, setKey] = useState(newIdempotencyKey);
  const saving = useRef(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [, setNow] = useState(() => Date.now());
  const now = Date.now();

  const finder = useStudentFinder();
  const { search } = finder;
  const sfoFirst = user.roles.includes('sfo_staff') && !user.roles.some((r) => r === 'teacher' || r === 'pedagogue');

  useEffect(() => {
    search.current?.focus();
    void refreshSchool(
      (list) => {
        setPlaces(list);
        // The remembered place is the default only while the school still has it.
        setDraft((d) => (d.place && !list.includes(d.place) ? { ...d, place: null } : d));
        const last = lastPlace(user.id);
        if (last && list.includes(last)) setDraft((d) => (d.place === null && d.picked.length === 0 ? { ...d, place: last } : d));
      },
      (list) => {
        setRecesses(list);
        setDraft((d) => (d.picked.length === 0 && d.when !== 'earlier' ? { ...d, when: justAfterRecess(list) ? 'recess' : 'now' } : d));
      },
    ).catch(() => {});
  }, []);

  // The "Fortryd" offer ends after its ten seconds; the recess chip follows the clock on the next render.
  useEffect(() => {
    if (!receipt || receipt.undoUntil <= Date.now()) return;
    const timer = setTimeout(() => setNow(Date.now()), receipt.undoUntil - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [receipt?.key, receipt?.undoUntil]);

  function pick(s: StudentLite) {
    setReceipt(null);
    setErrors((e) => ({ ...e, students: undefined }));
    if (!picked.some((p) => p.id === s.id)) set({ picked: [...picked, { ...s, role: null }] });
    finder.setQuery('');
    // Picked: the lists make way for what happened.
    finder.setListsOpen(false);
    finder.setOpenClass(null);
  }

  function unpick(id: number) {
    set({ picked: picked.filter((p) => p.id !== id) });
  }

  function setRole(id: number, role: IncidentRole) {
    setErrors((e) => ({ ...e, roles: undefined }));
    set({ picked: picked.map((p) => (p.id === id ? { ...p, role } : p)) });
  }

  function chooseWhat(c: What) {
    set({ what: c });
    setErrors((e) => ({ ...e, what: undefined, roles: undefined }));
    setReceipt(null);
  }

  function chooseMood(mood: number) {
    set({ mood });
    setErrors((e) => ({ ...e, mood: undefined }));
  }

  const lone = defaultRole(what, picked.length);
  const roleOf = (p: Picked): IncidentRole | null => p.role ?? lone;

  async function save(e: Event) {
    e.preventDefault();
    if (saving.current) return; // a second tap while the first is saving
    const { problems, at } = check(draft, roleOf, recesses);
    setErrors(problems);
    if (Object.keys(problems).length || !what || at === null) {
      const first = document.querySelector<HTMLElement>('.quicklog [data-invalid="true"]');
      first?.scrollIntoView({ block: 'center' });
      return;
    }
    saving.current = true;
    setBusy(true);
    const made = toEntry({ ...draft, what }, at, user, roleOf, lang);
    const { entry } = made;
    const saved = key;
    try {
      // The form's key is the outbox entry's id: a second save of this form overwrites it, never adds one.
      await outbox.enqueue({ ...entry, id: saved, user_id: user.id, user_name: user.name });
    } catch {
      saving.current = false;
      setBusy(false);
      setErrors({ students: t('ql_storage_failed') });
      return;
    }
    rememberStudents(picked);
    rememberPlace(user.id, draft.place);
    const snapshot = draft;
    setDraft(blankDraft(draft.place, recesses));
    setKey(newIdempotencyKey());
    finder.setListsOpen(true);
    finder.setSource('recent');
    const state = await sendNow(saved);
    setReceipt({
      key: saved,
      kind: entry.kind,
      what: made.what,
      about: made.about,
      state,
      draft: snapshot,
      undoUntil: Date.now() + UNDO_MS,
    });
    saving.current = false;
    setBusy(false);
    search.current?.focus();
  }

  // A log that waited on the phone may leave it while its receipt shows.
  useEffect(() => {
    if (!receipt || receipt.state !== 'waiting') return;
    return outbox.subscribe(() => {
      if (sentLog(receipt.key)) setReceipt((r) => (r && r.key === receipt.key ? { ...r, state: 'sent' } : r));
    });
  }, [receipt?.key, receipt?.state]);

  async function undo(r: Receipt) {
    const state = await takeBack(r);
    setReceipt({ ...r, state, undoUntil: 0 });
    if (state === 'undone_phone' || state === 'undone_server') {
      setDraft(r.draft);
      finder.setListsOpen(false);
    }
  }

  const showUndo = receipt !== null && receipt.undoUntil > now && (receipt.state === 'sent' || receipt.state === 'waiting');

  return (
    <form class="quicklog" onSubmit={save} noValidate>
      <h1>{t('ql_title')}</h1>
      <StudentPicker finder={finder} picked={picked} what={what} errors={errors} roleOf={roleOf} onPick={pick} onUnpick={unpick} onRole={setRole} />
      <WhatStep draft={draft} sfoFirst={sfoFirst} errors={errors} chooseWhat={chooseWhat} chooseMood={chooseMood} set={set} />
      <Details
        draft={draft}
        set={set}
        errors={errors}
        clearTime={() => setErrors((x) => ({ ...x, time: undefined }))}
        places={places}
        recesses={recesses}
        now={now}
        lang={lang}
      />
      <SaveBar receipt={receipt} showUndo={showUndo} busy={busy} onUndo={(r) => void undo(r)} />
    </form>
  );
}
