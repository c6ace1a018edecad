// A worker thread of webclip/node's image pool (image-pool.ts): prepares the photos it is sent
// (image-job.ts), one at a time, and answers each with its tensor or its failure's code and message.
import { parentPort } from 'node:worker_threads';
import { ClipError } from '../../shared/errors';
import { prepareSource, type ImageJob, type JobAnswer, type WorkerNote } from './image-job';

async function answer({ id, source, config }: ImageJob): Promise<void> {
  let reply: JobAnswer;
  try {
    reply = { id, ok: true, ...(await prepareSource(source, config)) };
  } catch (error) {
    reply = error instanceof ClipError
      ? { id, ok: false, code: error.code, message: error.message }
      : { id, ok: false, code: 'BAD_IMAGE', message: `could not prepare this image: ${error instanceof Error ? error.message : String(error)}` };
  }
  parentPort!.postMessage(reply, reply.ok ? [reply.data.buffer as ArrayBuffer] : []);
}

// One at a time, in arrival order: the pool queues a second job here so that this thread has
// work while the main thread is busy in a batch, and memory stays at one decoded photo. On
// 'close' the photo in hand is finished, the rest dropped, and the thread ends.
let queue = Promise.resolve();
let closing = false;
parentPort!.on('message', (message: ImageJob | { close: true }) => {
  if ('close' in message) {
    closing = true;
    queue = queue.then(() => parentPort!.close());
    return;
  }
  queue = queue.then(() => (closing ? undefined : answer(message)));
});
parentPort!.postMessage({ ready: true } satisfies WorkerNote);
