// The size of the WebAssembly memories a worker makes (ORT's heap), for the benchmarks: a
// worker imports this first, and it notes every `new WebAssembly.Memory` from then on. ORT
// keeps its module to itself; its heap is the one memory it makes in the worker.

const memories: WebAssembly.Memory[] = [];
const Original = WebAssembly.Memory;
WebAssembly.Memory = new Proxy(Original, {
  construct(target, args: [WebAssembly.MemoryDescriptor]) {
    const memory = Reflect.construct(target, args) as WebAssembly.Memory;
    memories.push(memory);
    return memory;
  },
});

/** Bytes of every memory made since this module ran (a grown shared memory's buffer is current). */
export function wasmHeapBytes(): number {
  return memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
}

/** The channel webclip's benchmark worker answers on. */
export const WEBCLIP_HEAP_CHANNEL = 'bench-webclip-wasm-heap';

/**
 * Answers `{heap: bytes}` to every message on the BroadcastChannel `name`: for a worker whose
 * own message port belongs to someone else (webclip's, which comlink owns).
 */
export function answerHeapQueries(name: string): void {
  new BroadcastChannel(name).onmessage = (event: MessageEvent<{ ask: number }>) => {
    (event.target as BroadcastChannel).postMessage({ answer: event.data.ask, heap: wasmHeapBytes() });
  };
}
