// The demo site's service worker: the app shell offline, and COOP/COEP added on hosts that cannot
// send them (docs/deploying.md#serving); never model files. Built by scripts/vite-service-worker.ts.
/// <reference lib="webworker" />
export {};

declare const self: ServiceWorkerGlobalScope;
/** Files of the built site to cache on install ([] in dev: there the cache fills as the page loads). */
declare const __PRECACHE__: readonly string[];
/** Changes with every build whose files change: a new version starts a new cache. */
declare const __SHELL_VERSION__: string;

const CACHE_PREFIX = 'webclip-shell-';
/**
 * Servers send `Vary: Origin` (Vite's CORS does); a module script's request carries an Origin
 * header that a page's first, uncontrolled load left out of the copy cached for it.
 */
const MATCH: CacheQueryOptions = { ignoreVary: true };
const cacheName = `${CACHE_PREFIX}${__SHELL_VERSION__}`;
/** A navigation waits this long for the network before the cached page is served. */
const NAVIGATION_TIMEOUT_MS = 4000;

/** Messages the page sends (src/demo/app-shell.ts). */
export type ShellMessage = { type: 'cache-urls'; urls: string[] };

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      // Fetched one by one, not addAll: a file missing from a broken deploy must not leave the
      // site with no offline copy at all.
      await Promise.all(__PRECACHE__.map((url) => cacheFresh(cache, new URL(url, self.registration.scope).href)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== cacheName) await caches.delete(name);
      }
      // The page that registered us is controlled now, not after its next load: its worker and
      // onnxruntime-web's files, fetched later, come through here and are kept.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data as ShellMessage | null;
  if (data?.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
  // What the page loaded before this worker controlled it (its first visit).
  const done = (async () => {
    const cache = await caches.open(cacheName);
    const urls = data.urls.filter((u) => typeof u === 'string' && isShellRequest(new Request(u)));
    await Promise.all(urls.map(async (url) => ((await cache.match(url, MATCH)) ? undefined : cacheFresh(cache, url))));
    event.source?.postMessage({ type: 'cached', count: urls.length });
  })();
  event.waitUntil(done);
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (!isShellRequest(request)) return; // the browser fetches it as if we were not here
  event.respondWith(respond(request, event));
});

/** Same-origin GETs of the site's own files; not models, not partial (Range) requests. */
function isShellRequest(request: Request): boolean {
  if (request.method !== 'GET' || request.headers.has('range')) return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  if (!url.pathname.startsWith(new URL(self.registration.scope).pathname)) return false;
  return !/\.onnx(_data)?$/.test(url.pathname) && !url.pathname.includes('/models/');
}

/**
 * Network first, so a deploy shows up on the next load; the cached copy when the network fails
 * (offline) or, for a page, is slower than NAVIGATION_TIMEOUT_MS. Built files with a content hash
 * in their name never change: those come from the cache first.
 */
async function respond(request: Request, event: FetchEvent): Promise<Response> {
  const cache = await caches.open(cacheName);
  const navigation = request.mode === 'navigate';
  if (!navigation && isImmutable(request.url)) {
    const hit = await cache.match(request, MATCH);
    if (hit) return isolated(hit);
  }
  const fromNetwork = fetch(request).then((response) => {
    if (response.ok && response.type === 'basic') event.waitUntil(keep(cache, request, response.clone()));
    return response;
  });
  try {
    const response = navigation ? await withTimeout(fromNetwork, cachedPage(cache, request)) : await fromNetwork;
    return isolated(response);
  } catch (error) {
    const hit = navigation ? await cachedPage(cache, request) : await cache.match(request, MATCH);
    if (hit) return isolated(hit);
    throw error;
  }
}

/** The cached copy of a page: the same address, else the same path with any query (`?model=`). */
async function cachedPage(cache: Cache, request: Request): Promise<Response | undefined> {
  return (await cache.match(request, MATCH)) ?? (await cache.match(request, { ...MATCH, ignoreSearch: true }));
}

async function withTimeout(network: Promise<Response>, fallback: Promise<Response | undefined>): Promise<Response> {
  const cached = await fallback;
  if (!cached) return network;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Response>((resolve) => {
    timer = setTimeout(() => resolve(cached), NAVIGATION_TIMEOUT_MS);
  });
  try {
    return await Promise.race([network, late]);
  } finally {
    clearTimeout(timer);
  }
}

const isImmutable = (url: string): boolean => /\/assets\/[^/]+-[\w-]{8,}\.\w+$/.test(new URL(url).pathname);

/**
 * Stores a network response unless the cache holds the same version: each visit fetches every
 * shell file, and rewriting unchanged ones (onnxruntime's .wasm is 14 MB) costs disk and time.
 */
async function keep(cache: Cache, request: Request, response: Response): Promise<void> {
  const cached = await cache.match(request, MATCH);
  if (cached && sameVersion(cached, response)) {
    await response.body?.cancel();
    return;
  }
  await cache.put(request, response);
}

/** The same file by its validators: the ETag, else Last-Modified and the length. */
function sameVersion(cached: Response, fresh: Response): boolean {
  const etag = fresh.headers.get('ETag');
  if (etag !== null) return cached.headers.get('ETag') === etag;
  const modified = fresh.headers.get('Last-Modified');
  const length = fresh.headers.get('Content-Length');
  return modified !== null && length !== null && cached.headers.get('Last-Modified') === modified && cached.headers.get('Content-Length') === length;
}

async function cacheFresh(cache: Cache, url: string): Promise<void> {
  try {
    const response = await fetch(url, { cache: 'no-cache' });
    if (response.ok) await cache.put(url, response);
  } catch {
    // Offline while installing: that file is cached when it is next fetched.
  }
}

/**
 * The response with the headers that make the page crossOriginIsolated. A response made here
 * carries them to the browser as a server's would (this is how static hosts get WASM threads).
 */
function isolated(response: Response): Response {
  if (response.type === 'opaque' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
