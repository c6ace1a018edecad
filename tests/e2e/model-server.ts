// A model host for tests/e2e/model-store.spec.ts: serves the committed test model
// (tests/fixtures/tiny-clip) at /m/<any name>/…, cross-origin as the Hugging Face hub is, counts
// every request, and misbehaves on demand: drops a connection mid-file, ignores Range, answers
// an error status, or goes offline. Run: npx tsx tests/e2e/model-server.ts <port>
import { readFileSync, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, normalize } from 'node:path';

export interface Faults {
  /** Files (paths inside the model) whose first `drops` responses break off after `dropAfter` body bytes. */
  drop?: { file: string; dropAfter: number; drops: number };
  refuseRange?: boolean;
  /** Files that answer this status (every time). */
  status?: { file: string; code: number };
  /** Every request's connection is destroyed unanswered, as if the host were unreachable. */
  offline?: boolean;
}

export interface LoggedRequest {
  path: string;
  range?: string;
  status: number;
}

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'tiny-clip');
let faults: Faults = {};
let log: LoggedRequest[] = [];

const cors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Range',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify(value));
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'OPTIONS') return void res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, POST' }).end();
  if (url.pathname === '/control') {
    faults = JSON.parse((await body(req)) || '{}') as Faults;
    log = [];
    return json(res, { ok: true });
  }
  if (url.pathname === '/log') return json(res, log);
  const match = /^\/m\/[\w.-]+\/(.+)$/.exec(url.pathname);
  if (!match) return void res.writeHead(404, cors).end('not found');
  const file = normalize(match[1]!);
  const range = req.headers.range;
  if (faults.offline) {
    log.push({ path: file, ...(range ? { range } : {}), status: 0 });
    return void res.destroy();
  }
  const full = join(ROOT, file);
  let status = 200;
  if (faults.status?.file === file) status = faults.status.code;
  else if (file.startsWith('..') || !existsSync(full) || !statSync(full).isFile()) status = 404;
  if (status !== 200) {
    log.push({ path: file, ...(range ? { range } : {}), status });
    return void res.writeHead(status, cors).end(`status ${status}`);
  }
  const bytes = readFileSync(full);
  const start = !faults.refuseRange ? Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0) : 0;
  const part = bytes.subarray(start);
  status = start > 0 ? 206 : 200;
  log.push({ path: file, ...(range ? { range } : {}), status });
  res.writeHead(status, {
    ...cors,
    'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    'Content-Length': String(part.length),
    ...(faults.refuseRange ? {} : { 'Accept-Ranges': 'bytes' }),
    ...(status === 206 ? { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
  });
  const drop = faults.drop;
  if (drop && drop.file === file && drop.drops > 0) {
    drop.drops--;
    // Cut after the browser has had time to hand the bytes sent to the page: a connection reset
    // that arrives first can take them down with it (seen on a loaded machine), and the download
    // then rightly starts over instead of resuming.
    res.write(part.subarray(0, drop.dropAfter), () => setTimeout(() => res.destroy(), 300));
    return;
  }
  res.end(part);
}

const port = Number(process.argv[2] ?? 5175);
createServer((req, res) => void handle(req, res).catch(() => res.destroy())).listen(port, '127.0.0.1', () => {
  console.log(`model server on http://127.0.0.1:${port}/`);
});
