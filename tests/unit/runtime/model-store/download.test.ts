// download.ts against a real HTTP server (node:http) that drops connections, refuses Range,
// and fails on purpose: resumption, restarts, retries and the errors that end them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClipError } from '../../../../src/shared/errors';
import { download, type DownloadSink } from '../../../../src/runtime/model-store/download';

const FILE = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24);

interface Behaviour {
  /** Destroy the socket after sending this many body bytes, for the first `drops` responses. */
  dropAfter?: number;
  drops?: number;
  refuseRange?: boolean;
  /** Answer these statuses to the first requests, in order. */
  statuses?: number[];
  html?: boolean;
}
let behaviour: Behaviour = {};
let log: { range: string | undefined; status: number }[] = [];
let server: Server;
let url: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  // A fresh connection per request: a kept-alive socket the server had already closed (after
  // a dropped response) failed the next fetch before it reached here, under load.
  res.setHeader('Connection', 'close');
  const range = req.headers.range;
  const forced = behaviour.statuses?.shift();
  if (forced !== undefined) {
    log.push({ range, status: forced });
    res.writeHead(forced).end('nope');
    return;
  }
  if (behaviour.html) {
    log.push({ range, status: 200 });
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>app</title>');
    return;
  }
  let start = 0;
  const match = /^bytes=(\d+)-$/.exec(range ?? '');
  if (match && !behaviour.refuseRange) start = Number(match[1]);
  const body = FILE.subarray(start);
  const status = start > 0 ? 206 : 200;
  log.push({ range, status });
  res.writeHead(status, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(body.length),
    ...(status === 206 ? { 'Content-Range': `bytes ${start}-${FILE.length - 1}/${FILE.length}` } : {}),
  });
  if (behaviour.dropAfter !== undefined && (behaviour.drops ?? 1) > 0) {
    behaviour.drops = (behaviour.drops ?? 1) - 1;
    res.write(body.subarray(0, behaviour.dropAfter), () => res.destroy());
    return;
  }
  res.end(body);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file.bin`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  behaviour = {};
  log = [];
});

/** A sink that keeps what it is given, and counts restarts. */
function memorySink() {
  let parts: Uint8Array[] = [];
  const sink = {
    restarts: 0,
    restart() {
      sink.restarts++;
      parts = [];
    },
    write(piece: Uint8Array) {
      parts.push(piece.slice());
    },
    bytes(): Uint8Array {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    },
  };
  return sink satisfies DownloadSink;
}

const fast = { retries: 3, backoffMs: 5 };
const codeOf = (e: unknown) => (e instanceof ClipError ? e.code : String(e));

describe('download', () => {
  it('streams a file whole, with progress that only grows and ends at the size', async () => {
    const sink = memorySink();
    const seen: [number, number | undefined][] = [];
    const size = await download(url, 'file.bin', sink, { ...fast, onProgress: (l, t) => seen.push([l, t]) });
    expect(size).toBe(FILE.length);
    expect(sink.bytes()).toEqual(FILE);
    expect(seen.at(-1)).toEqual([FILE.length, FILE.length]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0]);
    expect(log).toHaveLength(1);
  });

  it('resumes a dropped connection with a Range request for exactly the rest', async () => {
    behaviour = { dropAfter: 100_000, drops: 2 };
    const sink = memorySink();
    await download(url, 'file.bin', sink, fast);
    expect(sink.bytes()).toEqual(FILE);
    expect(sink.restarts).toBe(1); // only the first response started the file
    expect(log[0]!.range).toBeUndefined();
    expect(log.slice(1).every((r) => r.status === 206 && /^bytes=\d+-$/.test(r.range!))).toBe(true);
    expect(Number(/\d+/.exec(log[1]!.range!)![0])).toBeGreaterThan(0);
    expect(log).toHaveLength(3);
  });

  it('starts over when the server ignores Range, and still ends with the right bytes', async () => {
    behaviour = { dropAfter: 100_000, drops: 1, refuseRange: true };
    const sink = memorySink();
    await download(url, 'file.bin', sink, fast);
    expect(sink.bytes()).toEqual(FILE);
    expect(sink.restarts).toBe(2);
    expect(log.map((r) => r.status)).toEqual([200, 200]);
    expect(log[1]!.range).toMatch(/^bytes=\d+-$/);
  });

  it('retries server errors with backoff, then succeeds', async () => {
    behaviour = { statuses: [500, 503] };
    const sink = memorySink();
    await download(url, 'file.bin', sink, fast);
    expect(sink.bytes()).toEqual(FILE);
    expect(log.map((r) => r.status)).toEqual([500, 503, 200]);
  });

  it('gives up with DOWNLOAD_FAILED when the retries are spent', async () => {
    behaviour = { statuses: [500, 500, 500, 500, 500] };
    const error = await download(url, 'file.bin', memorySink(), fast).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('DOWNLOAD_FAILED');
    expect((error as Error).message).toMatch(/4 attempts/);
    expect(log).toHaveLength(4);
  });

  it('answers MODEL_NOT_FOUND at once for a 404 or an HTML page', async () => {
    behaviour = { statuses: [404] };
    expect(codeOf(await download(url, 'file.bin', memorySink(), fast).catch((e: unknown) => e))).toBe('MODEL_NOT_FOUND');
    expect(log).toHaveLength(1);
    log = [];
    behaviour = { html: true };
    expect(codeOf(await download(url, 'file.bin', memorySink(), fast).catch((e: unknown) => e))).toBe('MODEL_NOT_FOUND');
    expect(log).toHaveLength(1);
  });

  it('stops with ABORTED, also while waiting to retry', async () => {
    behaviour = { statuses: [500, 500, 500] };
    const controller = new AbortController();
    const call = download(url, 'file.bin', memorySink(), { retries: 3, backoffMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    expect(codeOf(await call.catch((e: unknown) => e))).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('lets onSize refuse a file before any byte is written', async () => {
    const sink = memorySink();
    const refuse = new ClipError('QUOTA', 'no room');
    const error = await download(url, 'file.bin', sink, { ...fast, onSize: () => Promise.reject(refuse) }).catch((e: unknown) => e);
    expect(error).toBe(refuse);
    expect(sink.bytes()).toHaveLength(0);
  });
});
