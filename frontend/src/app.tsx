import type { ComponentChildren, FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { onAuthLost } from './api/client';
import { getLang, setLang, t, tEnum, useLang } from './lib/i18n';
import { refreshRoster } from './lib/roster';
import { match, navigate, useRoute } from './lib/router';
import { cachedUser, finishPendingLogout, forgetCachedData, logout, whoAmI, type User } from './lib/session';
import { startSync } from './lib/sync';
import { homeFor, navFor } from './nav';
import { Login } from './screens/login';
import { QuickLog } from './screens/quicklog';
import { OutboxScreen, useOnline, useOutbox } from './ui';

type Loader = () => Promise<Record<string, FunctionComponent<any>>>;
const loadCases: Loader = () => import('./screens/cases');
const loadPrevention: Loader = () => import('./screens/prevention');
const loadAdmin: Loader = () => import('./screens/admin');
const loadStudents: Loader = () => import('./screens/students');
const loadDashboard: Loader = () => import('./screens/dashboard');
const loadApiClients: Loader = () => import('./screens/apiclients');
const loadSsoAdmin: Loader = () => import('./screens/sso-admin');
const loadStrategy: Loader = () => import('./screens/strategy');
const loadArrangement: Loader = () => import('./screens/planning/arrangement');

/** A screen from a lazily loaded chunk (case, student, prevention and admin screens stay out of the first load). */
function Lazy({ load, name, props }: { load: Loader; name: string; props: Record<string, unknown> }) {
  const [Comp, setComp] = useState<FunctionComponent<any> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let alive = true;
    setComp(null);
    load()
      .then((m) => alive && setComp(() => m[name]))
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
    };
  }, [load, name]);
  if (failed)
    return (
      <div class="notice error" role="alert">
        <p>{t('error_offline')}</p>
        <button type="button" class="btn secondary" onClick={() => location.reload()}>
          {t('reload')}
        </button>
      </div>
    );
  return Comp ? <Comp {...props} /> : <p>{t('loading')}</p>;
}

const ROUTES: { pattern: string; load: Loader; name: string }[] = [
  { pattern: '/overview', load: loadDashboard, name: 'Dashboard' },
  { pattern: '/municipality', load: loadDashboard, name: 'Municipality' },
  { pattern: '/notifications', load: loadCases, name: 'Notifications' },
  { pattern: '/cases', load: loadCases, name: 'CaseList' },
  { pattern: '/cases/:id', load: loadCases, name: 'CaseDetail' },
  { pattern: '/students', load: loadStudents, name: 'StudentSearch' },
  { pattern: '/students/:id', load: loadStudents, name: 'StudentPage' },
  { pattern: '/students/:id/log', load: loadStudents, name: 'StudentPage' },
  { pattern: '/play-partners', load: loadPrevention, name: 'PlayPartners' },
  { pattern: '/play-partners/:id', load: loadArrangement, name: 'PlayPartnerArrangement' },
  { pattern: '/observations', load: loadPrevention, name: 'Observations' },
  { pattern: '/wellbeing-days', load: loadPrevention, name: 'WellbeingDays' },
  { pattern: '/wellbeing-days/:id', load: loadPrevention, name: 'WellbeingDay' },
  { pattern: '/strategy', load: loadStrategy, name: 'StrategyScreen' },
  { pattern: '/admin/users', load: loadAdmin, name: 'Users' },
  { pattern: '/admin/classes', load: loadAdmin, name: 'Classes' },
  { pattern: '/admin/import', load: loadAdmin, name: 'Import' },
  { pattern: '/admin/api-clients', load: loadApiClients, name: 'ApiClients' },
  { pattern: '/admin/sso', load: loadSsoAdmin, name: 'SsoAdmin' },
];

function Screen({ path, user }: { path: string; user: User }) {
  const [base, query = ''] = path.split('?');
  if (base === '/outbox') return <OutboxScreen userId={user.id} />;
  for (const r of ROUTES) {
    const params = match(r.pattern, base);
    if (params) return <Lazy key={r.pattern} load={r.load} name={r.name} props={{ ...params, user }} />;
  }
  // "Ny observation" opens the quick log with Observation chosen (#/log?what=observation).
  const what = new URLSearchParams(query).get('what') ?? undefined;
  return <QuickLog key={path} user={user} initialWhat={what} />;
}

/** Who is logged in (school phones are shared), with the language and logout behind it. */
function UserMenu({ user, langToggle, onLogout }: { user: User; langToggle: ComponentChildren; onLogout: () => void }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  return (
    <div class="user-menu" ref={box}>
      <button type="button" class="btn ghost user-button" aria-expanded={open} aria-controls="user-menu" onClick={() => setOpen(!open)}>
        <span class="user-name">{user.name}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div id="user-menu" class="menu">
          <p class="small">
            {t('logged_in_as', { name: user.name })}
            <br />
            <span class="muted">
              {user.email} · {user.roles.map((r) => tEnum('role', r)).join(', ')}
            </span>
          </p>
          {langToggle}
          <button type="button" class="btn secondary" onClick={onLogout}>
            {t('logout')}
          </button>
        </div>
      )}
    </div>
  );
}

export function App() {
  const lang = useLang();
  const path = useRoute();
  const online = useOnline();
  const entries = useOutbox();
  const [user, setUser] = useState<User | null>(cachedUser());
  const [needLogin, setNeedLogin] = useState(user === null);

  useEffect(() => onAuthLost(() => setNeedLogin(true)), []);

  // A logout made offline ends the server session once the network is back.
  useEffect(() => {
    void finishPendingLogout();
    const on = () => void finishPendingLogout();
    window.addEventListener('online', on);
    return () => window.removeEventListener('online', on);
  }, []);

  // Confirm the remembered session with the server; offline we trust it until the server says otherwise.
  useEffect(() => {
    if (!user) return;
    void whoAmI().then((r) => {
      if (r === null) setNeedLogin(true);
      else if (r !== 'offline') setUser(r);
    });
  }, [user?.id]);

  useEffect(() => {
    if (!user || needLogin) return;
    const stop = startSync(user.id, () => setNeedLogin(true));
    if (navigator.onLine) refreshRoster().catch(() => {});
    return stop;
  }, [user?.id, needLogin]);

  useEffect(() => {
    if (user && !needLogin && (path === '/' || path === '')) navigate(homeFor(user));
  }, [user, needLogin, path]);

  // After navigation, move focus to the new screen for screen readers (the quick log focuses its name field itself).
  const [firstPath] = useState(path);
  useEffect(() => {
    if (path !== firstPath && !path.startsWith('/log')) document.getElementById('main')?.focus();
  }, [path]);

  // Keep the current tab visible in the scrolling tab bar.
  useEffect(() => {
    document.querySelector('.tabs a[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [path, user?.id, needLogin]);

  const waiting = user ? entries.filter((e) => e.user_id === user.id).length : 0;

  const langToggle = (
    <button
      type="button"
      class="btn ghost"
      lang={lang === 'da' ? 'en' : 'da'}
      onClick={() => setLang(getLang() === 'da' ? 'en' : 'da')}
    >
      {lang === 'da' ? 'English' : 'Dansk'}
    </button>
  );

  if (!user || needLogin) {
    return (
      <>
        <header class="top">
          <span class="brand">{t('app_name')}</span>
          {langToggle}
        </header>
        <main id="main" tabIndex={-1}>
          <Login
            previous={user}
            waiting={entries}
            onLoggedIn={(u) => {
              // Someone else on this phone: the previous person's cached names are not theirs to see.
              if (user && user.id !== u.id) void forgetCachedData();
              setUser(u);
              setNeedLogin(false);
              navigate(homeFor(u));
            }}
          />
        </main>
      </>
    );
  }

  const items = navFor(user);
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('skip_to_content')}
      </a>
      <header class="top">
        <span class="brand">{t('app_name')}</span>
        {waiting > 0 && (
          <a class="badge" href="#/outbox" aria-label={t('outbox_waiting', { n: waiting })}>
            <span aria-hidden="true">⇡</span>
            {t('outbox_waiting', { n: waiting })}
          </a>
        )}
        <UserMenu
          user={user}
          langToggle={langToggle}
          onLogout={async () => {
            const endSessionUrl = await logout();
            // An SSO login: the provider ends its session too, then sends the browser back here.
            if (endSessionUrl) return void location.assign(endSessionUrl);
            setUser(null);
            setNeedLogin(true);
            navigate('/');
          }}
        />
      </header>
      <nav class="tabs" aria-label={t('menu')}>
        {items.map((n) => (
          <a key={n.path} href={'#' + n.path} aria-current={path === n.path || path.startsWith(n.path + '/') || path.startsWith(n.path + '?') ? 'page' : undefined}>
            {t(n.label)}
          </a>
        ))}
      </nav>
      {!online && (
        <p class="banner" role="status">
          {t('offline_banner')}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <Screen path={path} user={user} />
      </main>
    </>
  );
}
