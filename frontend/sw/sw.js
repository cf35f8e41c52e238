/* Trivsel service worker: keeps the app shell available offline.
 * Never caches /api/ — those responses hold data about children and are no-store. */
const SHELL = self.__SHELL__;
const VERSION = self.__VERSION__;
const CACHE = 'trivsel-shell-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith('trivsel-shell-') && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return; // always straight to the network

  if (request.mode === 'navigate') {
    // Network first so a new release shows up at once; the cached shell when offline.
    event.respondWith(
      fetch(request).catch(() => caches.match('/', { cacheName: CACHE }).then((r) => r || Response.error())),
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  }
});
