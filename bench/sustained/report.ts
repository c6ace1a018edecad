// Node side of bench/sustained.ts: renders its runs as the markdown of bench/out/sustained.md.
import type { BenchDtype, EngineName, HeapSizes, UaMemory, Workload } from '../engine/protocol';
import { median } from '../stats';

/** Each worker's memory at one end of a run. */
export interface MemoryAt {
  heap: HeapSizes;
  ua?: UaMemory;
  /** 1-minute load average then. */
  load: number;
}

export interface SustainedRun {
  dtype: BenchDtype;
  workload: Workload;
  batch: number;
  /** ms per call, in call order, per engine. */
  ms: Map<EngineName, number[]>;
  /** CPU seconds this benchmark's processes spent during each call, in call order, per engine. */
  cpu: Map<EngineName, number[]>;
  /** Others' share of the CPUs during each webclip call (engine/cpu-share.ts). */
  others: number[];
  start: MemoryAt;
  end: MemoryAt;
  seconds: number;
}

export interface LibraryRun {
  dtype: BenchDtype;
  photos: number;
  add: { progress: [number, number][]; added: number; failed: number; ms: number };
  /** Peers' ms per call of 8 small photos, before and after the add. */
  peersBefore: Partial<Record<EngineName, number[]>>;
  peersAfter: Partial<Record<EngineName, number[]>>;
  start: MemoryAt;
  end: MemoryAt;
}

export interface Settings {
  command: string;
  chromium: string;
  calls: number;
  window: number;
  idleMs: number;
  engines: EngineName[];
  threads: number | undefined;
}

const LABEL: Record<Workload, string> = {
  small: 'photos 600×400 JPEG',
  large: 'photos 4000×3000 JPEG (12 MP)',
  text: 'short captions',
  pixels: 'ImageData 224×224',
  image: 'ready tensor',
};
const NAME: Record<EngineName, string> = {
  webclip: 'webclip',
  'tjs-2t': 'transformers.js 2 thr',
  'tjs-default': 'transformers.js default',
  'ort-2t': 'raw ORT 2 thr',
  'ort-default': 'raw ORT default',
  'tjs-main': 'transformers.js on the main thread',
};

const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${(bytes / 2 ** 20).toFixed(0)}`);
const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** webclip's speed over the peer's in calls [from, to): median of per-round ratios (peer ms / webclip ms). */
function versus(run: SustainedRun, peer: EngineName, from: number, to: number): number {
  const ours = run.ms.get('webclip')!.slice(from, to);
  const theirs = run.ms.get(peer)?.slice(from, to) ?? [];
  return median(ours.slice(0, theirs.length).map((x, i) => theirs[i]! / x));
}

function memoryCell(at: MemoryAt, engine: EngineName): string {
  const ua = at.ua?.workers[engine];
  return `${mb(at.heap[engine])}${at.ua ? ` / ${mb(ua)}` : ''}`;
}

export function renderSustained(settings: Settings, runs: SustainedRun[], load: string, minutes: number): string {
  const w = settings.window;
  const peers = settings.engines.filter((e) => e !== 'webclip');
  const lines = [
    `# Sustained throughput`,
    ``,
    `\`${settings.command}\` — ${settings.chromium} (headless), WASM, 2 cores; full-size ViT-B/32 with random weights; ` +
      `${settings.calls} calls per engine and workload, ${settings.idleMs} ms apart, engines alternating call by call ` +
      `(order rotating) in one page, a fresh page per dtype and workload, one untimed call each first; ` +
      `webclip threads: ${settings.threads ?? 'its default'}. Total ${fmt(minutes, 1)} min. ` +
      `Machine load (1-min average, shared machine) ${load}.`,
    ``,
    `First / last: medians of the first and last ${w} calls (ms per call). Drift: last over first (aim ≤ 1.10). ` +
      `vs peer: the peer's ms over webclip's, median of the call-by-call pairs in that window (> 1: webclip faster). ` +
      `CPU s: CPU seconds the benchmark's processes spent per call (median of the window; the machine's load barely changes it, where it can stretch wall time many times). ` +
      `Memory (MB): WASM heap${runs.some((r) => r.start.ua) ? ' / the worker\'s measureUserAgentSpecificMemory bytes' : ''}, after the untimed call → after the last.`,
    ``,
    `| dtype | workload | batch | engine | first ${w} | last ${w} | drift | CPU s first / last | ${peers.map((p) => `vs ${NAME[p]} first / last`).join(' | ')} | memory start → end | others' CPU | load start → end |`,
    `|---|---|---:|---|---:|---:|---:|---:|${peers.map(() => '---:|').join('')}---|---:|---|`,
  ];
  for (const run of runs) {
    for (const engine of settings.engines) {
      const xs = run.ms.get(engine)!;
      const first = median(xs.slice(0, w));
      const last = median(xs.slice(-w));
      const vs = peers.map((p) =>
        engine === 'webclip' ? `${fmt(versus(run, p, 0, w), 2)}× / ${fmt(versus(run, p, xs.length - w, xs.length), 2)}×` : '',
      );
      const cpu = run.cpu.get(engine)!;
      const cpuCell = `${fmt(median(cpu.slice(0, w)), 2)} / ${fmt(median(cpu.slice(-w)), 2)}`;
      const others = engine === 'webclip' ? `${fmt(median(run.others) * 100)} %` : '';
      lines.push(
        `| ${run.dtype} | ${LABEL[run.workload]} | ${run.batch} | ${NAME[engine]} | ${fmt(first)} | ${fmt(last)} | ` +
          `${engine === 'webclip' ? '**' : ''}${fmt(last / first, 2)}${engine === 'webclip' ? '**' : ''} | ${cpuCell} | ${vs.join(' | ')} | ` +
          `${memoryCell(run.start, engine)} → ${memoryCell(run.end, engine)} | ${others} | ${fmt(run.start.load, 1)} → ${fmt(run.end.load, 1)} |`,
      );
    }
  }
  lines.push(``, `<details><summary>Every call, ms, in order</summary>`, ``, '```');
  for (const run of runs) {
    for (const [engine, xs] of run.ms) lines.push(`${run.dtype} ${run.workload} ${engine} ms: ${xs.map((x) => x.toFixed(0)).join(' ')}`);
    for (const [engine, xs] of run.cpu) lines.push(`${run.dtype} ${run.workload} ${engine} CPU s: ${xs.map((x) => x.toFixed(1)).join(' ')}`);
  }
  lines.push('```', ``, `</details>`, ``);
  return lines.join('\n');
}

/** Photos per second between the progress reports that bound the first (or last) `n` photos. */
function throughput(progress: [number, number][], n: number, end: 'first' | 'last'): number {
  const points: [number, number][] = [[0, 0], ...progress];
  const lastDone = points.at(-1)![0];
  const [a, b] =
    end === 'first'
      ? [points[0]!, points.find(([done]) => done >= n) ?? points.at(-1)!]
      : [[...points].reverse().find(([done]) => done <= lastDone - n) ?? points[0]!, points.at(-1)!];
  return ((b[0] - a[0]) * 1000) / (b[1] - a[1]);
}

export function renderLibrary(settings: Settings, runs: LibraryRun[], load: string, minutes: number): string {
  const peers = settings.engines.filter((e) => e !== 'webclip');
  const lines = [
    `# Long library add`,
    ``,
    `\`${settings.command}\` — ${settings.chromium} (headless), WASM, 2 cores; full-size ViT-B/32 with random weights; ` +
      `one \`lib.add\` of distinct 600×400 JPEGs (each with a seeded patch of its own) into a fresh library, timed from ` +
      `its progress reports (one per 16 photos); ${peers.map((p) => NAME[p]).join(', ')} timed on 8 small photos ` +
      `(${settings.window} calls) just before and just after, in the same page. Total ${fmt(minutes, 1)} min. ` +
      `Machine load (1-min average, shared machine) ${load}.`,
    ``,
    `| dtype | photos | added | total s | first 160 photos/s | last 160 photos/s | last / first | ${peers.map((p) => `${NAME[p]} photos/s before / after`).join(' | ')} | WASM heap MB start → end | load start → end |`,
    `|---|---:|---:|---:|---:|---:|---:|${peers.map(() => '---|').join('')}---|---|`,
  ];
  for (const run of runs) {
    const first = throughput(run.add.progress, 160, 'first');
    const last = throughput(run.add.progress, 160, 'last');
    const peerCells = peers.map((p) => {
      const rate = (xs: number[] | undefined) => (xs ? fmt((8 * 1000) / median(xs), 2) : '—');
      return `${rate(run.peersBefore[p])} / ${rate(run.peersAfter[p])}`;
    });
    lines.push(
      `| ${run.dtype} | ${run.photos} | ${run.add.added} | ${fmt(run.add.ms / 1000)} | ${fmt(first, 2)} | ${fmt(last, 2)} | ` +
        `**${fmt(last / first, 2)}** | ${peerCells.join(' | ')} | ${mb(run.start.heap.webclip)} → ${mb(run.end.heap.webclip)} | ` +
        `${fmt(run.start.load, 1)} → ${fmt(run.end.load, 1)} |`,
    );
  }
  lines.push(``, `<details><summary>Progress: photos done at s</summary>`, ``, '```');
  for (const run of runs) {
    lines.push(`${run.dtype}: ${run.add.progress.map(([done, ms]) => `${done}@${(ms / 1000).toFixed(1)}`).join(' ')}`);
  }
  lines.push('```', ``, `</details>`, ``);
  return lines.join('\n');
}
