// Node side of bench/engine.ts: renders what was measured as the markdown of bench/out/engine.md.
import type { BenchDtype, ColdStart, EngineName, SetupResult, Workload } from './protocol';
import { median } from '../stats';

/**
 * `${timed}|${workload}|${part}` → ms per call, one per round; `${timed}|${workload}|others` →
 * the share of both CPUs that processes other than this run's used during that call.
 */
export type Samples = Map<string, number[]>;

export interface PhaseResult {
  dtype: BenchDtype;
  setup: SetupResult;
  /** By batch size. */
  samples: Map<number, Samples>;
  seconds: number;
}

/** How the run was set up, for the report's text. */
export interface RunSettings {
  command: string;
  version: string;
  dtypes: BenchDtype[];
  defaultsUpTo: number;
  fp32Batches: number[];
  breakdownBatch: number;
  coldRounds: Record<BenchDtype, number>;
  largeCount: number;
}


const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const perSecond = (batch: number, ms: number) => (batch * 1000) / ms;

function pairedRatios(a: number[] | undefined, b: number[] | undefined, f: (x: number, y: number) => number): number[] {
  if (!a || !b) return [];
  return a.slice(0, Math.min(a.length, b.length)).map((x, i) => f(x, b[i]!));
}

/** Median of per-round ratios, with their range when there are several. */
function ratioCell(ratios: number[], show: (x: number) => string): string {
  if (ratios.length === 0) return '—';
  const range = ratios.length > 1 ? ` (${show(Math.min(...ratios))}…${show(Math.max(...ratios))})` : '';
  return `${show(median(ratios))}${range}`;
}
const percent = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(0)} %`;
const times = (x: number) => `${x.toFixed(2)}×`;

const WORKLOADS: { workload: Workload; label: string; ort: Workload }[] = [
  { workload: 'small', label: 'photo 600×400 JPEG', ort: 'image' },
  { workload: 'large', label: 'photo 4000×3000 JPEG (12 MP)', ort: 'image' },
  { workload: 'pixels', label: 'ImageData 224×224 (no decode)', ort: 'image' },
  { workload: 'text', label: 'short caption', ort: 'text' },
];

/** Others' share of both CPUs under which a call counts as quiet. */
const QUIET = 0.15;

/**
 * The rounds a row is computed from: those in which every engine of the row ran while other
 * processes used less than QUIET of the CPUs, when there are at least 2 (or the row's only
 * round is quiet); else all of them.
 */
function rowRounds(s: Samples, entries: string[]): { rounds: number[]; quiet: boolean; total: number } {
  const present = entries.filter((e) => s.has(`${e}|total`));
  const total = Math.min(...present.map((e) => s.get(`${e}|total`)!.length));
  const all = Array.from({ length: total }, (_, i) => i);
  const quiet = all.filter((i) => present.every((e) => (s.get(`${e}|others`)?.[i] ?? 1) < QUIET));
  // A row of one round (12 MP at batch 32) is quiet or not by that round.
  const enough = quiet.length >= Math.min(2, total);
  return enough ? { rounds: quiet, quiet: true, total } : { rounds: all, quiet: false, total };
}

function throughputTable(result: PhaseResult): string[] {
  const lines = [
    `| workload | batch | rounds used | webclip /s | raw ORT 2 thr /s | raw ORT default /s | transformers.js 2 thr /s | transformers.js default /s | webclip over raw ORT 2 thr | webclip vs transformers.js 2 thr | webclip vs transformers.js default | others' CPU |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const { workload, label, ort } of WORKLOADS) {
    for (const batch of result.samples.keys()) {
      const s = result.samples.get(batch)!;
      const engines: [EngineName, Workload][] = [
        ['webclip', workload],
        ['ort-2t', ort],
        ['ort-default', ort],
        ['tjs-2t', workload],
        ['tjs-default', workload],
      ];
      // A focused run (--only) leaves some workloads out.
      if (!engines.some(([e, w]) => s.has(`${e}|${w}|total`))) continue;
      const row = rowRounds(
        s,
        engines.map(([e, w]) => `${e}|${w}`),
      );
      const get = (e: EngineName, w: Workload) => {
        const xs = s.get(`${e}|${w}|total`);
        return xs ? row.rounds.map((i) => xs[i]!) : undefined;
      };
      const rate = (e: EngineName, w: Workload) => {
        const xs = get(e, w);
        return xs ? fmt(perSecond(batch, median(xs)), 2) : '—';
      };
      const ours = get('webclip', workload);
      const overhead = pairedRatios(ours, get('ort-2t', ort), (a, b) => (a / b - 1) * 100);
      const vs2 = pairedRatios(ours, get('tjs-2t', workload), (a, b) => b / a);
      const vsDefault = pairedRatios(ours, get('tjs-default', workload), (a, b) => b / a);
      const others = s.get(`webclip|${workload}|others`);
      const used = row.quiet ? `${row.rounds.length} of ${row.total} quiet` : `${row.total}, busy`;
      lines.push(
        `| ${label} | ${batch} | ${used} | ${rate('webclip', workload)} | ${rate('ort-2t', ort)} | ${rate('ort-default', ort)} | ` +
          `${rate('tjs-2t', workload)} | ${rate('tjs-default', workload)} | ` +
          `${ratioCell(overhead, percent)} | ${ratioCell(vs2, times)} | ${ratioCell(vsDefault, times)} | ` +
          `${others ? `${(median(row.rounds.map((i) => others[i]!)) * 100).toFixed(0)} %` : '—'} |`,
      );
    }
  }
  lines.push(
    ``,
    `"rounds used": a row uses the rounds in which every engine of the row ran while other processes took under`,
    `${QUIET * 100} % of the CPUs, when there are at least 2 ("quiet"); else all its rounds ("busy": read those rows as rough).`,
  );
  return lines;
}

/** Every sample, for whoever wants to check a median. */
function rawSamples(result: PhaseResult): string[] {
  const lines = [`<details><summary>Raw samples (${result.dtype}), ms per call in round order</summary>`, ``, '```'];
  for (const [batch, s] of result.samples) {
    for (const [key, xs] of s) {
      const show = key.endsWith('|others') ? (x: number) => `${(x * 100).toFixed(0)}%` : (x: number) => x.toFixed(0);
      lines.push(`batch ${batch} ${key}: ${xs.map(show).join(' ')}`);
    }
  }
  lines.push('```', ``, `</details>`, ``);
  return lines;
}

function breakdownTable(result: PhaseResult, batch: number): string[] {
  const s = result.samples.get(batch);
  if (!s?.has('probe-webclip|small|decode')) return [];
  /** ms per image: median over the call's quiet rounds when there are 2 or more, else over all. */
  const per = (key: string) => {
    const xs = s.get(key) ?? [];
    const others = s.get(key.replace(/\|[^|]+$/, '|others')) ?? [];
    const quiet = xs.filter((_, i) => (others[i] ?? 1) < QUIET);
    return median(quiet.length >= 2 ? quiet : xs) / batch;
  };
  const rounds = s.get('probe-webclip|small|decode')!.length;
  const model = per('ort-2t|image|total');
  // transformers.js's own model time: its ImageData 224×224 path, whose preprocessing is near free.
  const tjsModel = per('tjs-2t|pixels|total');
  const rows: string[] = [
    `| ms per image, batch ${batch} | decode | preprocess | model | sum | measured end to end | rest |`,
    `|---|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const kind of ['small', 'large'] as const) {
    const label = kind === 'small' ? '600×400' : '4000×3000';
    for (const [who, name, m] of [
      ['webclip', 'webclip', model],
      ['tjs', 'transformers.js 2 thr', tjsModel],
    ] as const) {
      const decode = per(`probe-${who}|${kind}|decode`);
      const preprocess = per(`probe-${who}|${kind}|preprocess`);
      const total = per(`${who === 'tjs' ? 'tjs-2t' : 'webclip'}|${kind}|total`);
      const sum = decode + preprocess + m;
      rows.push(`| ${name}, ${label} | ${fmt(decode)} | ${fmt(preprocess)} | ${fmt(m)} | ${fmt(sum)} | ${fmt(total)} | ${fmt(total - sum)} |`);
    }
  }
  const alt = (part: string, kind: 'small' | 'large') => fmt(per(`probe-webclip|${kind}|${part}`));
  const altRounds = s.get('probe-webclip|small|decodeDefault')?.length ?? 0;
  const pct = (part: string) => {
    const r = pairedRatios(s.get(`probe-webclip|large|${part}`), s.get('probe-webclip|large|decode'), (a, b) => a / b);
    return ratioCell(r, times);
  };
  rows.push(
    ``,
    `Model: raw ORT 2 thr \`session.run\` for webclip; transformers.js's own ImageData 224×224 path for it (its ORT 1.31-dev`,
    `asyncify build). Decode and preprocess: timed alone, each in a worker, inside the same ${rounds} rounds (medians), a batch`,
    `decoded all at once as both engines do — webclip's own \`decodeImage\` and \`preprocessImageInto\`; transformers.js's`,
    `\`RawImage.fromBlob\` and \`AutoProcessor\`. "rest" is what the parts don't explain: message passing, batching, contention`,
    `between parts that overlap (negative where decode overlaps inference).`,
    ``,
    `Decode alternatives (${altRounds} rounds, order rotating), ms per image (decode + RGBA readback), 600×400 / 12 MP, and`,
    `for 12 MP the time relative to webclip's decode (paired): webclip's options (premultiplyAlpha and colorSpaceConversion`,
    `'none') ${alt('decode', 'small')} / ${alt('decode', 'large')}; createImageBitmap's defaults ${alt('decodeDefault', 'small')} / `,
    `${alt('decodeDefault', 'large')} (${pct('decodeDefault')}); colorSpaceConversion 'none' alone ${alt('decodeColorNone', 'small')} / `,
    `${alt('decodeColorNone', 'large')} (${pct('decodeColorNone')}); scaled by createImageBitmap to a 224 shortest edge (resizeQuality 'high') `,
    `${alt('decodeReduced', 'small')} / ${alt('decodeReduced', 'large')} (${pct('decodeReduced')}).`,
  );
  return rows;
}

function coldTable(cold: ColdStart[], dtypes: BenchDtype[]): string[] {
  const lines = [
    `| dtype | engine | image tower ready (s) | first image embedding (s) | both towers ready (s) | runs |`,
    `|---|---|---:|---:|---:|---:|`,
  ];
  const names = { webclip: 'webclip (createClip: both towers)', ort: 'raw ORT 2 thr (session.create)', tjs: 'transformers.js default (1 thr)' };
  for (const dtype of dtypes) {
    for (const engine of ['webclip', 'ort', 'tjs'] as const) {
      const runs = cold.filter((c) => c.dtype === dtype && c.engine === engine);
      const m = (pick: (c: ColdStart) => number) => fmt(median(runs.map(pick)) / 1000, 2);
      lines.push(`| ${dtype} | ${names[engine]} | ${m((c) => c.imageReadyMs)} | ${m((c) => c.firstImageMs)} | ${m((c) => c.bothReadyMs)} | ${runs.length} |`);
    }
  }
  return lines;
}

export function renderReport(
  run: RunSettings,
  results: PhaseResult[],
  cold: ColdStart[],
  offsite: string[],
  totalSeconds: number,
  load: string,
): string {
  const first = results[0]!.setup;
  const coldLines = cold.length === 0 ? [`## Cold start`, ``, `(not run yet)`, ``] : undefined;
  const loads = (r: PhaseResult) =>
    r.setup.loads.map((l) => `${l.engine} ${fmt(l.loadMs / 1000, 1)} s (${l.threads} thr)`).join(', ');
  const lines = [
    `# Engine benchmark`,
    ``,
    `\`${run.command}\` — ${run.version} (headless, /usr/bin/chromium), WASM, ` +
      `navigator.hardwareConcurrency ${first.hardwareConcurrency}, crossOriginIsolated ${first.crossOriginIsolated}; ` +
      `full-size ViT-B/32 with random weights (bench/models/clip-vit-b-32-random); total run ${fmt(totalSeconds / 60, 1)} min.`,
    ``,
    `Machine load (1-min load average, 2 cores, shared with other work) ${load}: absolute rates move with it; compare the`,
    `ratios, which pair engines run back to back in the same round.`,
    ``,
    `- webclip: \`createClip({model, device: 'wasm', dtype})\` from the page, timed around \`embedImages\`/\`embedTexts\` ` +
      `(worker round trip included). info: \`${JSON.stringify(first.webclipInfo)}\`.`,
    `- raw ORT: onnxruntime-web (the package webclip uses, same session options) in its own worker, \`session.run\` on ` +
      `ready tensors, timed inside the worker; every image workload compares against the same pixel_values run.`,
    `- transformers.js: ${first.loads.find((l) => l.engine.startsWith('tjs'))?.detail ?? '?'} (its asyncify build, served locally), ` +
      `\`CLIPVisionModelWithProjection\` + \`AutoProcessor\` from \`RawImage.fromBlob\`, \`CLIPTextModelWithProjection\` + ` +
      `\`AutoTokenizer\` (padding: true), \`device: 'wasm'\`, \`.normalize()\`; timed around the call to its worker.`,
    `- "2 thr": \`numThreads = 2\` (webclip's own choice here); "default": left unset, which ORT makes ` +
      `min(4, ceil(cores / 2)) = 1 thread on this machine. Default-thread engines were timed up to batch ${run.defaultsUpTo} only, ` +
      `and not on 12 MP photos. fp32: batch ${run.fp32Batches.join(', ') || '—'}, 2-thread engines only.`,
    `- Each engine in its own worker (own WASM instance and thread pool), one call at a time; within each round the ` +
      `engines of a workload alternate, their order rotating per round; one untimed warm-up per engine and batch shape. ` +
      `12 MP photos at batch 32: one round. ` +
      `Medians; ratios are medians of per-round pairs, (min…max) over the rounds used. Throughput is items per second ` +
      `(batch / call time). "others' CPU": the share of both cores used by other processes during webclip's calls ` +
      `(median over the rounds used; from /proc/stat minus this run's process tree).`,
    `- Photos: tests/fixtures/images/coffee.png (CC0) scaled and cropped with seeded noise, JPEG quality 0.9 via ` +
      `OffscreenCanvas: ${fmt(first.smallJpegKB, 0)} KB per 600×400, ${fmt(first.largeJpegKB, 0)} KB per 12 MP ` +
      `(${run.largeCount} distinct 12 MP files, cycled for batch 32). Captions: "a photo of a dog." and longer (7–12 tokens).`,
    `- Same input, same files: webclip vs transformers.js cosine, small photo ${fmt(first.agreement.smallPhoto, 4)}, ` +
      `12 MP photo ${fmt(first.agreement.largePhoto, 4)}, caption ${fmt(first.agreement.text, 6)} (q8).`,
    `- Requests that left localhost: ${offsite.length === 0 ? 'none' : offsite.join(', ')}.`,
    ``,
  ];
  for (const r of results) {
    lines.push(
      `## ${r.dtype} (${r.dtype === 'q8' ? 'onnx/*_quantized.onnx, int8 MatMulInteger' : 'onnx/*_model.onnx'})`,
      ``,
      `Load (warm HTTP cache not guaranteed, sequential): ${loads(r)}. Phase took ${fmt(r.seconds / 60, 1)} min.`,
      ``,
      ...throughputTable(r),
      ``,
    );
    const breakdown = breakdownTable(r, run.breakdownBatch);
    if (breakdown.length > 0) lines.push(`### Where the time goes (${r.dtype})`, ``, ...breakdown, ``);
    lines.push(...rawSamples(r));
  }
  if (coldLines) return [...lines, ...coldLines].join('\n');
  lines.push(
    `## Cold start`,
    ``,
    `Fresh browser context each (nothing cached: a first visit), one small photo; medians of ${Object.entries(run.coldRounds)
      .filter(([d]) => run.dtypes.includes(d as BenchDtype))
      .map(([d, n]) => `${n} (${d})`)
      .join(', ')}, engines rotated.`,
    ``,
  );
  lines.push(
    `Timed from just before \`createClip\` / \`new Worker\` in the page. transformers.js and raw ORT load the text`,
    `tower after the first image embedding; webclip's createClip loads both towers before it answers.`,
    ``,
    ...coldTable(cold, run.dtypes),
    ``,
  );
  return lines.join('\n');
}
