// The model store's reader (src/runtime/model-store/chunk-reader.ts): reads and checks stored model files
// from IndexedDB on a thread that ORT's session builds never block, and hands the bytes back.
import type { ChunkReadReply, ChunkReadRequest } from '../runtime/model-store/chunk-reader';
import { readStoredFile } from '../runtime/model-store/chunk-store';

self.onmessage = async (event: MessageEvent<ChunkReadRequest>) => {
  const { id, model, path, entry } = event.data;
  const bytes = await readStoredFile(model, path, entry).catch(() => null);
  const reply: ChunkReadReply = { id, bytes };
  (self as unknown as Worker).postMessage(reply, bytes ? [bytes.buffer] : []);
};
