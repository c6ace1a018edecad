// Browser side of bench/search.ts: starts the search worker (the index runs off the main thread,
// as in an app) and hands it one case at a time when the driver asks.
import * as Comlink from 'comlink';
import type { CaseResult, CaseSpec, SearchWorkerApi } from './search.worker';

const worker = new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module', name: 'search-bench' });
const api = Comlink.wrap<SearchWorkerApi>(worker);

const searchBench = {
  runCase: (spec: CaseSpec): Promise<CaseResult> => api.runCase(spec),
  crossOriginIsolated: () => globalThis.crossOriginIsolated,
};
export type SearchBench = typeof searchBench;
(globalThis as unknown as { searchBench: SearchBench }).searchBench = searchBench;
document.title = 'ready';
