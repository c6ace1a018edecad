// Downloads one file into a sink through dropped connections: retries with exponential backoff,
// resumed with an HTTP Range request; a host that ignores Range starts the sink over.
import { abortError, ClipError } from '../../shared/errors';

export interface DownloadSink {
  /** The file starts over from byte 0 (first response, or a server that refused Range). */
  restart(): void | Promise<void>;
  /** The next bytes of the file, in order. Backpressure: the download waits for it. */
  write(piece: Uint8Array): void | Promise<void>;
}

export interface DownloadInfo {
  /** The file's size, once a response has said it (Content-Length or Content-Range). */
  total: number | undefined;
}

export interface DownloadOptions {
  signal?: AbortSignal | undefined;
  /** Bytes of the file received so far, and its size when known. */
  onProgress?: ((loaded: number, total: number | undefined) => void) | undefined;
  /** Called once the size is known, before any byte is written: room can be checked here. */
  onSize?: ((total: number | undefined) => void | Promise<void>) | undefined;
  /** Attempts after the first (default 5). */
  retries?: number | undefined;
  /** The first retry's wait; each later one doubles it (default 500 ms). */
  backoffMs?: number | undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal, `the download of ${path}`));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!, `the download of ${path}`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Errors that another attempt cannot fix. */
function isFinal(error: unknown): boolean {
  return error instanceof ClipError && error.code !== 'DOWNLOAD_FAILED';
}

/** `bytes start-end/total` → start and total (total undefined for `*`). */
function parseContentRange(value: string | null): { start: number; total: number | undefined } | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!match) return null;
  return { start: Number(match[1]), total: match[2] === '*' ? undefined : Number(match[2]) };
}

function lengthOf(response: Response): number | undefined {
  const length = Number(response.headers.get('Content-Length'));
  return response.headers.has('Content-Length') && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * Streams `url` into `sink`. Resolves with the file's size when every byte has been written;
 * rejects with MODEL_NOT_FOUND (404, or an HTML page where a file was expected), ABORTED, or
 * DOWNLOAD_FAILED once the retries are spent.
 */
export async function download(url: string, path: string, sink: DownloadSink, options: DownloadOptions = {}): Promise<number> {
  const { signal, onProgress, onSize } = options;
  const retries = options.retries ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  let received = 0;
  let total: number | undefined;
  let started = false;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1), signal, path);
    try {
      const resume = started && received > 0;
      const headers: Record<string, string> = resume ? { Range: `bytes=${received}-` } : {};
      let response: Response;
      try {
        response = await fetch(url, { headers, ...(signal ? { signal } : {}) });
      } catch (cause) {
        if (signal?.aborted) throw abortError(signal, `the download of ${path}`);
        throw new ClipError('DOWNLOAD_FAILED', `could not fetch ${url}: ${String(cause)}`, { cause });
      }
      if (response.status === 404 || response.status === 410) throw new ClipError('MODEL_NOT_FOUND', `${url} does not exist (${response.status})`);
      if ((response.headers.get('Content-Type') ?? '').toLowerCase().startsWith('text/html')) {
        // Static hosts that fall back to the app's index.html answer 200 for any missing path.
        throw new ClipError('MODEL_NOT_FOUND', `${url} answered with an HTML page instead of ${path}: is the model URL right?`);
      }
      if (response.status === 206 && resume) {
        const range = parseContentRange(response.headers.get('Content-Range'));
        if (!range || range.start !== received) {
          throw new ClipError('DOWNLOAD_FAILED', `${url} answered a Range request with the wrong part (${response.headers.get('Content-Range')})`);
        }
        total = range.total ?? total;
      } else if (response.ok) {
        // The whole file: the first response, or a server that does not do Range.
        received = 0;
        await sink.restart();
        total = lengthOf(response);
        if (!started) await onSize?.(total);
        started = true;
      } else if (response.status >= 500 || response.status === 408 || response.status === 429) {
        throw new ClipError('DOWNLOAD_FAILED', `${url} answered ${response.status} ${response.statusText}`);
      } else {
        throw new ClipError('MODEL_NOT_FOUND', `${url} answered ${response.status} ${response.statusText}`);
      }
      onProgress?.(received, total);
      if (!response.body) throw new ClipError('DOWNLOAD_FAILED', `${url} answered without a body`);
      const reader = response.body.getReader();
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (cause) {
            if (signal?.aborted) throw abortError(signal, `the download of ${path}`);
            throw new ClipError('DOWNLOAD_FAILED', `the download of ${path} broke off after ${received} bytes`, { cause });
          }
          if (chunk.done) break;
          await sink.write(chunk.value);
          received += chunk.value.byteLength;
          onProgress?.(received, total);
        }
      } finally {
        reader.releaseLock();
      }
      if (total !== undefined && received !== total) {
        throw new ClipError('DOWNLOAD_FAILED', `the download of ${path} ended at ${received} of ${total} bytes`);
      }
      return received;
    } catch (error) {
      if (isFinal(error)) throw error;
      lastError = error;
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new ClipError('DOWNLOAD_FAILED', `gave up on ${path} after ${retries + 1} attempts: ${reason}`, { cause: lastError });
}
