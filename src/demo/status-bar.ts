// The bar at the bottom of the page: the model and its family, the backend (and why), the dtype, the photos,
// memory and what the model cache holds; while loading, what is happening.
import { isClipError, modelCache, type Clip, type Library } from '../index';
import { make } from './dom';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

export class StatusBar {
  private photoCount = 0;
  private parts: string[] = [];
  private cache = '';
  private cacheAsks = 0;

  constructor(private readonly bar: HTMLElement) {}

  loading(text: string, loaded?: number, total?: number): void {
    this.cacheAsks++;
    this.bar.classList.remove('error');
    delete this.bar.dataset.ready;
    const amount = loaded === undefined ? '' : total ? `: ${mb(loaded)} of ${mb(total)} (${Math.floor((100 * loaded) / total)} %)` : `: ${mb(loaded)}`;
    this.bar.replaceChildren(make('span', {}, `${text}${amount}`));
  }

  failed(error: unknown): void {
    this.cacheAsks++;
    this.bar.classList.add('error');
    this.bar.replaceChildren(make('span', {}, isClipError(error) ? `${error.code}: ${error.message}` : String(error)));
  }

  async ready(info: Clip['info'], library: Library): Promise<void> {
    const backend =
      info.device === 'webgpu'
        ? `WebGPU (${info.adapter?.description || info.adapter?.vendor || 'GPU'})`
        : `WASM, ${info.threads} thread${info.threads === 1 ? '' : 's'}${info.fallbackReason ? ` — ${info.fallbackReason}` : ''}`;
    const lib = await library.info();
    this.parts = [
      `Model: ${info.model}`,
      `Family: ${info.family}${info.textModel ? ` + ${info.textModel}` : ''}`,
      `Backend: ${backend}`,
      `Precision: ${info.dtype}`,
      `Search: ${lib.kernel === 'wasm-simd' ? 'WASM SIMD' : 'JS'}`,
    ];
    this.cache = 'Cache: …';
    this.render();
    void this.showCacheUsage();
  }

  /**
   * modelCache answers from a worker of its own, which takes a second to start: the page is
   * usable before the figures arrive. A later loading(), failed() or ready() drops them.
   */
  private async showCacheUsage(): Promise<void> {
    const asked = ++this.cacheAsks;
    const usage = await modelCache.usage().catch(() => null);
    if (asked !== this.cacheAsks) return;
    this.cache = usage
      ? `Cache: ${usage.models} model${usage.models === 1 ? '' : 's'}, ${mb(usage.bytes)}${usage.quota ? ` (storage ${mb(usage.usage ?? 0)} of ${mb(usage.quota)})` : ''}`
      : 'Cache: unavailable';
    this.render();
  }

  photos(count: number): void {
    this.photoCount = count;
    this.render();
  }

  markReady(): void {
    this.bar.dataset.ready = 'true';
  }

  private render(): void {
    // Chromium's heap figure, where there is one.
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
    const items = [...this.parts, ...(this.cache ? [this.cache] : []), `Photos: ${this.photoCount}`, ...(heap ? [`Page memory: ${mb(heap)}`] : [])];
    this.bar.classList.remove('error');
    this.bar.replaceChildren(...items.map((text) => make('span', {}, text)));
  }
}
