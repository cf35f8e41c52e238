/** Administration: users, classes, roster import with a dry-run preview. */
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../api/client';
import { full, type Read } from '../api/types';
import { t, tEnum } from '../lib/i18n';
import type { Role, User } from '../lib/session';
import { EnumSelect } from '../forms';
import { Async, Check, Field, Pager, ToggleChips, useLoad } from '../ui';

const ROLES: Role[] = ['teacher', 'pedagogue', 'sfo_staff', 'resource_person', 'leader', 'admin'];

function RolePicker({ value, onChange, legend }: { value: Role[]; onChange: (r: Role[]) => void; legend: string }) {
  return <ToggleChips legend={legend} options={ROLES} text={(r) => tEnum('role', r)} value={value} onChange={onChange} />;
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>(['teacher']);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  if (!open)
    return (
      <button type="button" class="btn primary" onClick={() => setOpen(true)}>
        {t('user_new')}
      </button>
    );
  async function submit(e: Event) {
    e.preventDefault();
    try {
      const { error, response } = await api.POST('/api/v1/users', { body: { email, name, password, roles } });
      if (response.ok) {
        setMsg({ ok: true, text: t('user_created') });
        setEmail('');
        setName('');
        setPassword('');
        onCreated();
      } else setMsg({ ok: false, text: errorMessage(error) });
    } catch {
      setMsg({ ok: false, text: t('error_offline') });
    }
  }
  return (
    <form class="stack card" onSubmit={submit}>
      <h2>{t('user_new')}</h2>
      <Field label={t('user_name')}>
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t('email')}>
        <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </Field>
      <Field label={t('password')}>
        <input type="password" autoComplete="new-password" minLength={10} required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </Field>
      <RolePicker value={roles} onChange={setRoles} legend={t('user_roles')} />
      {msg && (
        <p class={msg.ok ? 'notice ok' : 'notice error'} role="status">
          {msg.text}
        </p>
      )}
      <div class="chips-row">
        <button type="submit" class="btn primary" disabled={!roles.length}>
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

function EditUser({ user, onDone }: { user: UserRow; onDone: () => void }) {
  const [roles, setRoles] = useState<Role[]>(user.roles as Role[]);
  const [active, setActive] = useState(user.active);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      // Read the current version first; the server refuses a write without its ETag.
      const current = await api.GET('/api/v1/users/{user_id}', { params: { path: { user_id: user.id } } });
      const etag = current.response.headers.get('ETag');
      if (!current.data || !etag) return setError(errorMessage(current.error));
      const { error: err, response } = await api.PATCH('/api/v1/users/{user_id}', {
        params: { path: { user_id: user.id }, header: { 'If-Match': etag } },
        body: { roles, active },
      });
      if (response.ok) onDone();
      else setError(response.status === 412 ? t('error_conflict') : errorMessage(err));
    } catch {
      setError(t('error_offline'));
    }
  }
  return (
    <form class="stack" onSubmit={submit}>
      <RolePicker value={roles} onChange={setRoles} legend={`${t('user_roles')}: ${user.name}`} />
      <Check label={t('user_active')} checked={active} onChange={setActive} />
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <div class="chips-row">
        <button type="submit" class="btn primary" disabled={!roles.length}>
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
        {(raw) => {
          const data = full(raw);
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

const STAFF_ROLES = ['class_teacher', 'teacher', 'pedagogue', 'sfo_contact'] as const;
type StaffRole = (typeof STAFF_ROLES)[number];
type ClassRow = Read<'ClassRead'>;

function ClassStaff({ c, users, onChanged }: { c: ClassRow; users: UserRow[]; onChanged: () => void }) {
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<StaffRole>('teacher');
  const [error, setError] = useState<string | null>(null);
  async function call(fn: () => Promise<{ error?: unknown; response: Response }>) {
    setError(null);
    try {
      const { error: err, response } = await fn();
      if (response.ok) onChanged();
      else setError(errorMessage(err));
    } catch {
      setError(t('error_offline'));
    }
  }
  const attached = new Set(c.staff.map((s) => s.user_id));
  return (
    <div class="stack">
      <ul class="plain-list">
        {c.staff.map((s) => (
          <li key={s.user_id}>
            <span>
              {s.name} <span class="muted small">{tEnum('staff', s.role)}</span>
            </span>
            <button
              type="button"
              class="btn secondary"
              aria-label={t('class_staff_remove', { name: s.name, cls: c.name })}
              onClick={() =>
                call(() => api.DELETE('/api/v1/classes/{class_id}/staff/{user_id}', { params: { path: { class_id: c.id, user_id: s.user_id } } }))
              }
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (userId)
            void call(() =>
              api.POST('/api/v1/classes/{class_id}/staff', {
                params: { path: { class_id: c.id } },
                body: { user_id: Number(userId), role },
              }),
            );
        }}
      >
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
        <button type="submit" class="btn secondary" disabled={!userId}>
          {t('add')}
        </button>
      </form>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function Classes({ user }: { user: User }) {
  const [page, setPage] = useState(1);
  const state = useLoad(() => api.GET('/api/v1/classes', { params: { query: { page, page_size: 100 } } }), [page]);
  const isAdmin = user.roles.includes('admin');
  const users = useLoad(
    () => (isAdmin ? api.GET('/api/v1/users', { params: { query: { page_size: 100, active: true } } }) : Promise.resolve({ data: undefined, error: null, response: new Response(null, { status: 204 }) })),
    [isAdmin],
  );
  const staffUsers = users.data ? full(users.data).items : [];
  return (
    <>
      <h1>{t('nav_classes')}</h1>
      <Async state={state}>
        {(raw) => {
          const data = full(raw);
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
                      {isAdmin ? (
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

export function Import(_: { user: User }) {
  const [file, setFile] = useState<File | null>(null);
  const [leaveMissing, setLeaveMissing] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ dryRun: boolean; data: ImportResult } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function upload(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const { data, error: err } = await api.POST('/api/v1/students/import', {
        params: { query: { dry_run: dryRun, leave_missing: leaveMissing } },
        body: { file: file as unknown as string }, // the spec's binary string is the File here
        bodySerializer: (b) => {
          const form = new FormData();
          form.append('file', b.file as unknown as File);
          return form;
        },
      });
      if (data) setResult({ dryRun, data: full(data) as ImportResult });
      else setError(errorMessage(err));
    } catch {
      setError(t('error_offline'));
    }
    setBusy(false);
  }

  return (
    <>
      <h1>{t('nav_import')}</h1>
      <div class="stack">
        <Field label={t('import_file')}>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setResult(null);
            }}
          />
        </Field>
        <Check
          label={t('import_leave_missing')}
          checked={leaveMissing}
          onChange={(checked) => {
            setLeaveMissing(checked);
            setResult(null);
          }}
        />
        <div class="chips-row">
          <button type="button" class="btn secondary" disabled={!file || busy} onClick={() => upload(true)}>
            {t('import_preview')}
          </button>
          <button type="button" class="btn primary" disabled={!file || busy || !result?.dryRun || result.data.errors.length > 0} onClick={() => upload(false)}>
            {t('import_run')}
          </button>
        </div>
        {busy && (
          <div role="status">
            <span>{t('import_progress')}</span>
            <progress aria-label={t('import_progress')} />
          </div>
        )}
        {error && (
          <p class="notice error" role="alert">
            {error}
          </p>
        )}
        {result && (
          <section class="card" aria-live="polite">
            <div class="row-main">
              <strong>{result.dryRun ? t('import_dry_run_note') : t('import_done')}</strong>
              <span>{t('import_created', { n: result.data.created })}</span>
              <span>{t('import_updated', { n: result.data.updated })}</span>
              <span>{t('import_left', { n: result.data.left })}</span>
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
