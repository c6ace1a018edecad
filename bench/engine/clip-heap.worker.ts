// webclip's own worker (src/worker/clip.worker.ts, unchanged), with its WASM heap size readable by
// the benchmark page over a BroadcastChannel (engine/wasm-heap.ts). createClip's `workerUrl`.
import { answerHeapQueries, WEBCLIP_HEAP_CHANNEL } from './wasm-heap';
import '../../src/worker/clip.worker';

answerHeapQueries(WEBCLIP_HEAP_CHANNEL);
