// A worker thread of webclip/node's image pool (image-pool.ts): prepares the photos it is sent
// (image-job.ts) and answers each with its tensor or its failure's code and message.
import { parentPort } from 'node:worker_threads';
import { ClipError } from '../../shared/errors';
import { prepareSource, WORKER_JOBS, type ImageJob, type JobAnswer, type WorkerNote } from './image-job';

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

// Jobs beyond WORKER_JOBS wait here, so that this thread has work while the main thread is busy
// in a batch. On 'close' the photos in hand are finished, the rest dropped, and the thread ends.
const queued: ImageJob[] = [];
let inHand = 0;
let closing = false;
function next(): void {
  while (inHand < WORKER_JOBS && queued.length > 0) {
    inHand++;
    void answer(queued.shift()!).finally(() => {
      inHand--;
      next();
    });
  }
  if (closing && inHand === 0) parentPort!.close();
}
parentPort!.on('message', (message: ImageJob | { close: true }) => {
  if ('close' in message) {
    closing = true;
    queued.length = 0;
  } else if (!closing) {
    queued.push(message);
  }
  next();
});
parentPort!.postMessage({ ready: true } satisfies WorkerNote);
