// Registers the demo site's service worker (service-worker.ts) and hands it what this page
// loaded before it was in control, so that after one visit the page starts with no network.
import type { ShellMessage } from './service-worker';

export type AppShellState =
  /** Controlled, and what the page loaded so far is cached. */
  | 'ready'
  /** No service worker here (an insecure origin, a private mode that refuses them). */
  | 'unsupported'
  /** Registration failed, e.g. the host does not serve sw.js; the page still works online. */
  | 'failed';

const RELOADED_KEY = 'webclip-shell-reloaded';

/**
 * Registers `${base}sw.js` for the whole site. Resolves once the page is controlled and the
 * files it has loaded are cached (bounded: `timeoutMs`). A page served without COOP/COEP is
 * reloaded once, under the worker, to become crossOriginIsolated.
 */
export async function registerAppShell(base: string, timeoutMs = 10_000): Promise<AppShellState> {
  if (!('serviceWorker' in navigator)) return 'unsupported';
  let registration: ServiceWorkerRegistration;
  try {
    registration = await navigator.serviceWorker.register(`${base}sw.js`, { scope: base });
  } catch {
    return 'failed';
  }
  const controlled = await Promise.race([whenControlled(), delay(timeoutMs).then(() => false)]);
  if (!controlled) return 'failed';
  // A static host without COOP/COEP: only a load through the worker carries them. Once, so a
  // browser that ignores them does not reload forever.
  if (!crossOriginIsolated && !sessionStorage.getItem(RELOADED_KEY)) {
    sessionStorage.setItem(RELOADED_KEY, '1');
    location.reload();
    return new Promise<never>(() => undefined);
  }
  await Promise.race([cacheWhatWasLoaded(registration), delay(timeoutMs)]);
  return 'ready';
}

function whenControlled(): Promise<boolean> {
  if (navigator.serviceWorker.controller) return Promise.resolve(true);
  return new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true), { once: true });
  });
}

/** This page's address and every same-origin file it fetched (its scripts, styles, icons). */
function loadedUrls(): string[] {
  const urls = new Set<string>([location.href]);
  for (const entry of performance.getEntriesByType('resource')) {
    if (new URL(entry.name).origin === location.origin) urls.add(entry.name);
  }
  return [...urls];
}

async function cacheWhatWasLoaded(registration: ServiceWorkerRegistration): Promise<void> {
  const worker = navigator.serviceWorker.controller ?? registration.active;
  if (!worker) return;
  const done = new Promise<void>((resolve) => {
    const onMessage = (event: MessageEvent): void => {
      if ((event.data as { type?: string } | null)?.type !== 'cached') return;
      navigator.serviceWorker.removeEventListener('message', onMessage);
      resolve();
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
  });
  worker.postMessage({ type: 'cache-urls', urls: loadedUrls() } satisfies ShellMessage);
  await done;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
