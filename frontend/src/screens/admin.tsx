/** Administration: users, classes, roster import with a dry-run preview. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../api/client';
import { STAFF_ROLES, USER_ROLES, type StaffRole, type UserRole } from '../api/enums';
import { MAX } from '../api/limits';
import type { Read } from '../api/types';
import { t, tEnum } from '../lib/i18n';
import type { User } from '../lib/session';
import { EnumSelect } from '../forms';
import { Async, Check, Field, FieldError, Pager, ProblemNotice, ToggleChips, useConfirm, useLoad } from '../ui';

function RolePicker({ value, onChange, legend }: { value: UserRole[]; onChange: (r: UserRole[]) => void; legend: string }) {
  return <ToggleChips legend={legend} options={USER_ROLES} text={(r) => tEnum('role', r)} value={value} onChange={onChange} />;
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<UserRole[]>(['teacher']);
  const [created, setCreated] = useState(false);
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};
  if (!open)
    return (
      <button type="button" class="btn primary" onClick={() => setOpen(true)}>
        {t('user_new')}
      </button>
    );
  async function submit(e: Event) {
    e.preventDefault();
    setCreated(false);
    const r = await writer.run(() => api.POST('/api/v1/users', { body: { email, name, password, roles } }));
    if (r?.ok) {
      setCreated(true);
      setEmail('');
      setName('');
      setPassword('');
      onCreated();
    }
  }
  return (
    <form class="stack card" onSubmit={submit}>
      <h2>{t('user_new')}</h2>
      <Field label={t('user_name')} error={fields.name}>
        <input required maxLength={MAX.UserCreate.name} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t('email')} error={fields.email}>
        <input type="email" required maxLength={MAX.UserCreate.email} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </Field>
      <Field label={t('password')} error={fields.password}>
        <input
          type="password"
          autoComplete="new-password"
          minLength={10}
          maxLength={MAX.UserCreate.password}
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </Field>
      <RolePicker value={roles} onChange={setRoles} legend={t('user_roles')} />
      <FieldError text={fields.roles} />
      <ProblemNotice problem={writer.problem} shown={['name', 'email', 'password', 'roles']} />
      {created && (
        <p class="notice ok" role="status">
          {t('user_created')}
        </p>
      )}
      <div class="chips-row">
        <button type="submit" class="btn primary" disabled={!roles.length || writer.busy}>
          {t('save')}
        </button>
        <button type="button" class="btn secondary" onClick={() => setOpen(false)}>
          {t('close')}
        </button>
      </div>
    </form>
  );
}

type UserRow = Read<'UserRead'>;

/** Edit roles and the active flag with the ETag of the user as read when the form opened. */
function EditUser({ user, onDone }: { user: UserRow; onDone: () => void }) {
  const current = useLoad(() => api.GET('/api/v1/users/{user_id}', { params: { path: { user_id: user.id } } }), [user.id]);
  const [roles, setRoles] = useState<UserRole[]>(user.roles as UserRole[]);
  const [active, setActive] = useState(user.active);
  const writer = useWriter();
  async function submit(e: Event) {
    e.preventDefault();
    const etag = current.etag;
    if (!etag) return;
    const r = await writer.run(() =>
      api.PATCH('/api/v1/users/{user_id}', {
        params: { path: { user_id: user.id }, header: { 'If-Match': etag } },
        body: { roles, active },
      }),
    );
    if (r?.ok) onDone();
  }
  return (
    <form class="stack" onSubmit={submit}>
      <RolePicker value={roles} onChange={setRoles} legend={`${t('user_roles')}: ${user.name}`} />
      <Check label={t('user_active')} checked={active} onChange={setActive} />
      <ProblemNotice problem={writer.problem} />
      <div class="chips-row">
        <button type="submit" class="btn primary" disabled={!roles.length || writer.busy || !current.etag}>
          {t('save')}
        </button>
        <button type="button" class="btn secondary" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

export function Users(_: { user: User }) {
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<number | null>(null);
  const state = useLoad(() => api.GET('/api/v1/users', { params: { query: { page, page_size: 50 } } }), [page]);
  return (
    <>
      <h1>{t('nav_users')}</h1>
      <NewUser onCreated={state.reload} />
      <Async state={state}>
        {(data) => {
          if (!data.items.length) return <p>{t('users_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((u) => (
                  <li key={u.id} class="card">
                    {editing === u.id ? (
                      <EditUser
                        user={u}
                        onDone={() => {
                          setEditing(null);
                          state.reload();
                        }}
                      />
                    ) : (
                      <>
                        <div class="row-main">
                          <strong>{u.name}</strong>
                          <span class="muted small">{u.email}</span>
                          <span class="small">
                            {u.roles.map((r) => tEnum('role', r)).join(', ')}
                            {!u.active && ` · ${t('user_active')}: ${t('no')}`}
                          </span>
                        </div>
                        <button type="button" class="btn secondary" aria-label={`${t('edit')}: ${u.name}`} onClick={() => setEditing(u.id)}>
                          {t('edit')}
                        </button>
                      </>
                    )}
                  </li>
                ))}
              </ul>
              <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
            </>
          );
        }}
      </Async>
    </>
  );
}

type ClassRow = Read<'ClassRead'>;

function ClassStaff({ c, users, onChanged }: { c: ClassRow; users: UserRow[]; onChanged: () => void }) {
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<StaffRole>('teacher');
  const writer = useWriter();
  const [confirm, dialog] = useConfirm();
  const attached = new Set(c.staff.map((s) => s.user_id));
  async function remove(s: ClassRow['staff'][number]) {
    const ok = await confirm({
      title: t('confirm_unstaff_title', { name: s.name, cls: c.name }),
      body: t('confirm_unstaff_body', { name: s.name, cls: c.name }),
      action: t('confirm_unstaff_action'),
    });
    if (!ok) return;
    const r = await writer.run(() => api.DELETE('/api/v1/classes/{class_id}/staff/{user_id}', { params: { path: { class_id: c.id, user_id: s.user_id } } }));
    if (r?.ok) onChanged();
  }
  async function add(e: Event) {
    e.preventDefault();
    if (!userId) return;
    const r = await writer.run(() =>
      api.POST('/api/v1/classes/{class_id}/staff', { params: { path: { class_id: c.id } }, body: { user_id: Number(userId), role } }),
    );
    if (r?.ok) onChanged();
  }
  return (
    <div class="stack">
      {dialog}
      <ul class="plain-list">
        {c.staff.map((s) => (
          <li key={s.user_id}>
            <span>
              {s.name} <span class="muted small">{tEnum('staff', s.role)}</span>
            </span>
            <button type="button" class="btn secondary" aria-label={t('class_staff_remove', { name: s.name, cls: c.name })} onClick={() => void remove(s)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form class="toolbar" onSubmit={add}>
        <Field label={t('class_staff_add', { cls: c.name })}>
          <select value={userId} onChange={(e) => setUserId(e.currentTarget.value)}>
            <option value="">–</option>
            {users
              .filter((u) => u.active && !attached.has(u.id))
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </Field>
        <EnumSelect label={t('class_staff_role')} prefix="staff" options={STAFF_ROLES} value={role} onChange={setRole} />
        <button type="submit" class="btn secondary" disabled={!userId || writer.busy}>
          {t('add')}
        </button>
      </form>
      <ProblemNotice problem={writer.problem} />
    </div>
  );
}

export function Classes(_: { user: User }) {
  const [page, setPage] = useState(1);
  const state = useLoad(() => api.GET('/api/v1/classes', { params: { query: { page, page_size: 100 } } }), [page]);
  // The server says whether this reader manages the classes' staff (an admin); then the users are loaded to pick from.
  const canManage = state.data?.can_manage === true;
  const users = useLoad(
    () => (canManage ? api.GET('/api/v1/users', { params: { query: { page_size: 100, active: true } } }) : Promise.resolve({ data: undefined, error: null, response: new Response(null, { status: 204 }) })),
    [canManage],
  );
  const staffUsers = users.data ? users.data.items : [];
  return (
    <>
      <h1>{t('nav_classes')}</h1>
      <Async state={state}>
        {(data) => {
          if (!data.items.length) return <p>{t('classes_none')}</p>;
          return (
            <>
              <ul class="list">
                {data.items.map((c) => (
                  <li key={c.id} class="card">
                    <div class="row-main">
                      <h2>{c.name}</h2>
                      <span class="muted small">
                        {t('class_grade')}: {c.grade} · {t('class_year')}: {c.school_year}
                      </span>
                      {data.can_manage ? (
                        <ClassStaff c={c} users={staffUsers} onChanged={state.reload} />
                      ) : (
                        <span class="small">{c.staff.map((s) => `${s.name} (${tEnum('staff', s.role)})`).join(', ')}</span>
                      )}
                    </div>
                  </li>
                ))}
              </ul>
              <Pager page={page} pageSize={data.page_size} total={data.total} onPage={setPage} />
            </>
          );
        }}
      </Async>
    </>
  );
}

type ImportResult = Read<'ImportReport'>;

/**
 * The roster import: a dry run first, then the import. Whether students missing from the file leave the school is
 * asked every time (never a default), and an import that would unenrol anyone says how many and asks first.
 */
export function Import(_: { user: User }) {
  const [file, setFile] = useState<File | null>(null);
  const [leaveMissing, setLeaveMissing] = useState<boolean | null>(null);
  const [result, setResult] = useState<{ dryRun: boolean; data: ImportResult } | null>(null);
  const writer = useWriter();
  const [confirm, dialog] = useConfirm();

  async function upload(dryRun: boolean) {
    if (!file || leaveMissing === null) return;
    if (!dryRun && result?.dryRun && result.data.left > 0) {
      const ok = await confirm({
        title: t('confirm_import_title'),
        body: t('confirm_import_body', { n: result.data.left }),
        action: t('confirm_import_action', { n: result.data.left }),
      });
      if (!ok) return;
    }
    const r = await writer.run(() =>
      api.POST('/api/v1/students/import', {
        params: { query: { dry_run: dryRun, leave_missing: leaveMissing } },
        body: { file: file as unknown as string }, // the spec's binary string is the File here
        bodySerializer: (b) => {
          const form = new FormData();
          form.append('file', b.file as unknown as File);
          return form;
        },
      }),
    );
    if (r?.ok) setResult({ dryRun, data: r.data });
  }

  const choose = (v: boolean) => {
    setLeaveMissing(v);
    setResult(null);
  };

  return (
    <>
      <h1>{t('nav_import')}</h1>
      {dialog}
      <div class="stack">
        <Field label={t('import_file')} error={writer.problem?.fields.file}>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setResult(null);
            }}
          />
        </Field>
        <fieldset class="plain">
          <legend>{t('import_missing_question')}</legend>
          <label class="check">
            <input type="radio" name="leave-missing" checked={leaveMissing === false} onChange={() => choose(false)} />
            <span>{t('import_keep_missing')}</span>
          </label>
          <label class="check">
            <input type="radio" name="leave-missing" checked={leaveMissing === true} onChange={() => choose(true)} />
            <span>{t('import_leave_missing')}</span>
          </label>
        </fieldset>
        <div class="chips-row">
          <button type="button" class="btn secondary" disabled={!file || leaveMissing === null || writer.busy} onClick={() => void upload(true)}>
            {t('import_preview')}
          </button>
          <button
            type="button"
            class="btn primary"
            disabled={!file || leaveMissing === null || writer.busy || !result?.dryRun || result.data.errors.length > 0}
            onClick={() => void upload(false)}
          >
            {t('import_run')}
          </button>
        </div>
        {writer.busy && (
          <div role="status">
            <span>{t('import_progress')}</span>
            <progress aria-label={t('import_progress')} />
          </div>
        )}
        <ProblemNotice problem={writer.problem} shown={['file']} />
        {result && (
          <section class="card" aria-live="polite">
            <div class="row-main">
              <strong>{result.dryRun ? t('import_dry_run_note') : t('import_done')}</strong>
              <span>{t('import_created', { n: result.data.created })}</span>
              <span>{t('import_updated', { n: result.data.updated })}</span>
              <span class={result.data.left > 0 ? 'overdue' : undefined}>{t('import_left', { n: result.data.left })}</span>
              <span>{t('import_unchanged', { n: result.data.unchanged })}</span>
              {result.data.classes_created.length > 0 && (
                <span>{t('import_classes_created', { list: result.data.classes_created.join(', ') })}</span>
              )}
              {result.data.errors.length > 0 && (
                <>
                  <h2>{t('import_errors')}</h2>
                  <ul>
                    {result.data.errors.map((e, i) => (
                      <li key={i} class="error-text">
                        {t('import_line', { n: e.line })}: {e.message}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          </section>
        )}
      </div>
    </>
  );
}
