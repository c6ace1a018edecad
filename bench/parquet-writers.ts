// `npx tsx bench/parquet-writers.ts [--rows N] [--dim D] [--rounds R]`: which library
// writes `webclip export --format parquet` best. webclip's writer (apache-arrow + parquet-wasm,
// src/node/export/parquet-export.ts, piped to a file as the command does) against hyparquet-writer
// (bench/parquet-hyparquet.ts), on the same library file (bench/parquet-rows.ts), alternated round
// by round in this process: wall and CPU time, the file's size. Memory apart: one more write per
// writer, each in a fresh process of its own (--child), its resident memory's peak over its value
// with the library opened (sampled every 2 ms, and the kernel's high-water mark). Then each file is checked
// (bench/parquet-readback.ts): read back, and searched in LanceDB.
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { parquetStream } from '../src/node/export/parquet-export';
import { LibraryRows } from '../src/node/export/library-rows';
import { hyparquetFile } from './parquet-hyparquet';
import { benchLibrary } from './parquet-rows';
import { median } from './stats';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    dim: { type: 'string', default: '512' },
    rounds: { type: 'string', default: '5' },
    // A writer's memory run: --child NAME --library FILE --out FILE, its Run as JSON on stdout.
    child: { type: 'string' },
    library: { type: 'string' },
    out: { type: 'string' },
  },
});
const [count, dim, rounds] = [Number(args.rows), Number(args.dim), Number(args.rounds)];
const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

type Writer = (rows: LibraryRows, out: string) => Promise<void>;
const WRITERS: Record<string, Writer> = {
  'parquet-wasm (webclip)': async (rows, out) =>
    pipeline(Readable.fromWeb((await parquetStream(rows, version)) as NodeReadableStream<Uint8Array>), createWriteStream(out)),
  'hyparquet-writer': (rows, out) => hyparquetFile(rows, version, out),
};
// Not timed: hyparquet-writer's file with the ARROW:schema key parquet-rs adds (the same writer
// and one more metadata entry), to see whether readers then take `vector` as a FixedSizeList.
const CHECKED_ONLY: Record<string, Writer> = {
  'hyparquet-writer + ARROW:schema': (rows, out) => hyparquetFile(rows, version, out, { arrowSchema: true }),
};

interface Run {
  ms: number;
  cpuMs: number;
  rssGrowthMb: number;
}

const rssMb = () => process.memoryUsage.rss() / 2 ** 20;
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

async function measured(write: () => Promise<void>): Promise<Run> {
  const before = rssMb();
  const maxBefore = maxRssMb();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 2);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await write();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  // The kernel's high-water mark catches a peak inside a synchronous stretch the timer missed,
  // where the write raised it (else it is the start-up's).
  const maxAfter = maxRssMb();
  peak = Math.max(peak, rssMb(), maxAfter > maxBefore ? maxAfter : 0);
  return { ms, cpuMs: (used.user + used.system) / 1000, rssGrowthMb: peak - before };
}

/** A write in a fresh process: its memory is the writer's alone, not what earlier rounds left. */
function memoryRun(name: string, library: string, out: string): Run {
  const argv = ['--import', 'tsx', import.meta.filename, '--child', name, '--library', library, '--out', out];
  return JSON.parse(execFileSync(process.execPath, argv, { encoding: 'utf8' })) as Run;
}

if (args.child) {
  const rows = await LibraryRows.open(args.library!);
  console.log(JSON.stringify(await measured(() => WRITERS[args.child!]!(rows, args.out!))));
  process.exit(0);
}

const { checkParquet } = await import('./parquet-readback');
const dir = mkdtempSync(join(tmpdir(), 'webclip-parquet-'));
const fileOf = (name: string) => join(dir, `${name.replace(/\W+/g, '-')}.parquet`);
try {
  const started = new Date().toISOString();
  const loadBefore = load();
  const rows = await benchLibrary(dir, count, dim);
  const names = Object.keys(WRITERS);
  const runs = new Map<string, Run[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const run = await measured(() => WRITERS[name]!(rows, fileOf(name)));
      runs.get(name)!.push(run);
      console.error(`round ${round + 1} ${name}: ${run.ms.toFixed(0)} ms, CPU ${run.cpuMs.toFixed(0)} ms`);
    }
  }
  const memory = new Map(names.map((n) => [n, memoryRun(n, join(dir, 'photos.webclip'), fileOf(n))]));
  const loadAfter = load();
  for (const [name, write] of Object.entries(CHECKED_ONLY)) await write(rows, fileOf(name));

  const lines = [
    `Parquet writers, ${count} rows, dim ${dim}, ${rounds} rounds (${started}; load ${loadBefore} → ${loadAfter})`,
    '',
    '| writer | write ms: first, last, median | CPU ms (median) | rows/s (median) | file MB | peak RSS growth MB (own process) |',
    '|---|---|---|---|---|---|',
  ];
  for (const [name, list] of runs) {
    const ms = list.map((r) => r.ms);
    lines.push(
      `| ${name} | ${ms[0]!.toFixed(0)}, ${ms.at(-1)!.toFixed(0)}, ${median(ms).toFixed(0)} | ${median(list.map((r) => r.cpuMs)).toFixed(0)} | ` +
        `${Math.round(count / (median(ms) / 1000))} | ${(statSync(fileOf(name)).size / 1e6).toFixed(2)} | ${memory.get(name)!.rssGrowthMb.toFixed(0)} |`,
    );
  }
  const [a, b] = names.map((n) => runs.get(n)!);
  const ratio = (of: (r: Run) => number) =>
    `median ${(median(a!.map(of)) / median(b!.map(of))).toFixed(2)} (rounds ${a!.map((r, i) => (of(r) / of(b![i]!)).toFixed(2)).join(', ')})`;
  lines.push('', `parquet-wasm ÷ hyparquet-writer: write time ${ratio((r) => r.ms)}; CPU time ${ratio((r) => r.cpuMs)}`, '');

  lines.push('| file | row groups | `vector` read back as | rows equal | metadata keys | webclip keys equal | LanceDB |', '|---|---|---|---|---|---|---|');
  for (const name of [...names, ...Object.keys(CHECKED_ONLY)]) {
    const c = await checkParquet(fileOf(name), rows, version, join(dir, `lance-${name.replace(/\W+/g, '-')}`));
    lines.push(`| ${name} | ${c.rowGroups} | ${c.vectorType} | ${c.equalRows} of ${count} | ${c.metadataKeys.join(', ')} | ${c.metadataEqual ? 'yes' : 'NO'} | ${c.lance} |`);
  }
  console.log(lines.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
