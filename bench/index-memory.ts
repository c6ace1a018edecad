// `npm run bench:index:memory -- --photos 10000 --model DIR [--dtype q8]`: `webclip index` (the
// built lib/node/webclip.js, as npx runs it) over N seeded 320×240 JPEGs, its resident memory
// read from /proc every half second (its whole process tree: the command relaunches itself on
// huge pages) at each tenth of the run (the command's own progress lines) and at its peak. Flat
// memory means the tenths stay level while the library grows.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, writeReport } from './browser';
import { photoFolder } from './index-photos';

const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: '10000' },
    model: { type: 'string', default: join(ROOT, 'bench', 'models', 'clip-vit-b-32-random') },
    dtype: { type: 'string', default: 'q8' },
  },
});
const command = join(ROOT, 'lib', 'node', 'webclip.js');
if (!existsSync(command)) {
  console.error('lib/node/webclip.js is missing: run `npm run build:lib` first');
  process.exit(1);
}
const count = Number(args.photos);
const { folder } = await photoFolder('thumb', count);
const out = mkdtempSync(join(tmpdir(), 'webclip-memory-'));
const file = join(out, 'photos.webclip');
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const loadBefore = load();

const child = spawn(process.execPath, [command, 'index', folder, '--model', args.model!, '--dtype', args.dtype!, '--out', file], { stdio: ['ignore', 'pipe', 'pipe'] });
/** A process and its descendants: the command runs itself again on huge pages (src/cli/huge-pages.ts), and that child does the work. */
const tree = (pid: number): number[] => {
  let kids: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      kids = kids.concat(readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    }
  } catch {
    return []; // exited
  }
  return [pid, ...kids.flatMap(tree)];
};
/** Resident memory of the command's whole process tree, MB. */
const rssMb = (): number => {
  let kb = 0;
  for (const pid of tree(child.pid!)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited between the listing and the read
    }
  }
  return kb / 1024;
};
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 500);
const tenths: string[] = [];
let stderr = '';
child.stderr.on('data', (chunk: Buffer) => {
  stderr += String(chunk);
  for (const line of String(chunk).split('\n')) {
    const m = /^(\d+)\/(\d+) photos · ([\d.]+) photos\/s/.exec(line);
    if (m) {
      const rss = rssMb();
      peak = Math.max(peak, rss);
      tenths.push(`| ${m[1]} | ${m[3]} | ${rss.toFixed(0)} MB |`);
      console.log(`${line}  rss ${rss.toFixed(0)} MB (load ${load()})`);
    }
  }
});
let stdout = '';
child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
const started = performance.now();
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
clearInterval(sampler);
const seconds = (performance.now() - started) / 1000;
if (code !== 0) {
  console.error(stderr);
  process.exit(1);
}
const size = statSync(file).size;
rmSync(out, { recursive: true, force: true });
writeReport(
  'index-memory',
  [
    `webclip index over ${count} photos (320×240 JPEG), model ${args.model!.replace(ROOT + '/', '')} at ${args.dtype}: ${seconds.toFixed(0)} s, library file ${(size / 1e6).toFixed(1)} MB, peak RSS ${peak.toFixed(0)} MB; load before ${loadBefore}, after ${load()}`,
    stdout.trim(),
    '',
    '| photos done | photos/s so far | RSS |',
    '|---|---|---|',
    ...tenths,
  ].join('\n'),
);
