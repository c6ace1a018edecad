// Reads the files of a model folder laid out as Hugging Face's ONNX exports are
// (config.json, preprocessor_config.json, tokenizer.json, onnx/*.onnx), over HTTP.
import { ClipError } from '../core/errors';

function fileUrl(baseUrl: string, path: string): string {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
}

async function get(baseUrl: string, path: string, signal?: AbortSignal): Promise<Response> {
  const url = fileUrl(baseUrl, path);
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (cause) {
    if (signal?.aborted) throw new ClipError('ABORTED', `download of ${path} was aborted`, { cause });
    throw new ClipError('DOWNLOAD_FAILED', `could not fetch ${url}: ${String(cause)}`, { cause });
  }
  if (response.status === 404) throw new ClipError('MODEL_NOT_FOUND', `${url} does not exist (404)`);
  if (!response.ok) throw new ClipError('DOWNLOAD_FAILED', `${url} answered ${response.status} ${response.statusText}`);
  return response;
}

/**
 * Static hosts and dev servers that fall back to the app's index.html answer 200 with HTML for
 * any missing path; that is a missing model file, not a corrupt one, and the message says so.
 */
function notFoundAsHtml(response: Response, path: string): ClipError {
  return new ClipError(
    'MODEL_NOT_FOUND',
    `${response.url} answered with an HTML page instead of ${path}: is the model URL right?`,
  );
}

const isHtml = (response: Response): boolean =>
  (response.headers.get('Content-Type') ?? '').toLowerCase().startsWith('text/html');

export type ByteProgress = (loaded: number, total: number | undefined) => void;

/** Reads a file whole, reporting bytes as they stream in (total from Content-Length). */
export async function fetchModelBytes(
  baseUrl: string,
  path: string,
  signal?: AbortSignal,
  onProgress?: ByteProgress,
): Promise<Uint8Array> {
  const response = await get(baseUrl, path, signal);
  if (isHtml(response)) throw notFoundAsHtml(response, path);
  const length = Number(response.headers.get('Content-Length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.(loaded, total);
    }
  } catch (cause) {
    if (signal?.aborted) throw new ClipError('ABORTED', `download of ${path} was aborted`, { cause });
    throw new ClipError('DOWNLOAD_FAILED', `the download of ${path} broke off after ${loaded} bytes`, { cause });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export async function fetchModelJson(baseUrl: string, path: string, signal?: AbortSignal): Promise<unknown> {
  const response = await get(baseUrl, path, signal);
  const text = await response.text();
  if (isHtml(response) || text.trimStart().startsWith('<')) throw notFoundAsHtml(response, path);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ClipError('BAD_CONFIG', `${path} is not valid JSON`, { cause });
  }
}

/** Like fetchModelJson, but a missing file (404) is `undefined`: some files are optional. */
export async function fetchOptionalModelJson(baseUrl: string, path: string, signal?: AbortSignal): Promise<unknown> {
  try {
    return await fetchModelJson(baseUrl, path, signal);
  } catch (error) {
    if (error instanceof ClipError && error.code === 'MODEL_NOT_FOUND') return undefined;
    throw error;
  }
}
