// The report of one GPU check: what ran where, how right and how fast, and the bars it is held
// to. Written as JSON (report.json) and printed as a short table.
import type { Device, Dtype } from '../../src/shared/clip';
import type { AdapterReport } from './dawn-gpu';
import type { Agreement, Throughput } from './measure';
import type { ReferenceKind } from './check-inputs';

export interface TowerReport {
  /** Against the PyTorch reference of what this file computes (fp32, or the int8/q4 simulation). */
  reference: ReferenceKind;
  vsReference: Agreement;
  vsFp32: Agreement;
  nonFinite: number;
  throughput: Throughput[];
}

export interface RunReport {
  device: Device;
  dtype: Dtype;
  threads: number;
  /** ModelSessions.create, start to ready (session builds, and on WebGPU the probe). */
  startMs: number;
  /** Its status messages with their time since the start. */
  phases: { phase: string; message: string; atMs: number }[];
  probe?: unknown;
  vision: TowerReport;
  text: TowerReport;
}

export interface Bar {
  name: string;
  value: number;
  /** The least value that passes. */
  bar: number;
  ok: boolean;
}

export interface GpuCheckReport {
  mode: 'device' | 'local';
  startedAt: string;
  environment: {
    node: string;
    ort: string;
    cpu: { model: string; count: number };
    adapter: AdapterReport | null;
  };
  model: { folder: string; files: Record<string, number> };
  tokenizer: { captions: number; mismatches: string[] };
  auto?: unknown;
  runs: RunReport[];
  refused: { device: Device; dtype: Dtype; code: string; message: string }[];
  crossBackend: { dtype: Dtype; against: Dtype; vision: Agreement; text: Agreement }[];
  faults: Record<string, unknown>;
  preprocessing: { width: number; height: number; imagesPerSecond: number }[];
  speedOptions?: unknown;
  torchCuda?: unknown;
  steps: { step: string; ms: number }[];
  bars: Bar[];
  ok: boolean;
}

export function bar(name: string, value: number, least: number): Bar {
  return { name, value, bar: least, ok: Number.isFinite(value) && value >= least };
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

/** The table a person reads at the end of a run. */
export function summary(report: GpuCheckReport): string {
  const lines: string[] = [];
  const a = report.environment.adapter;
  lines.push(`adapter: ${a ? `${a.vendor} ${a.architecture} ${a.description} (shader-f16: ${a.features.includes('shader-f16')})` : 'none'}`);
  lines.push('backend dtype  | start s | img cos min (ref) | txt cos min (ref) | NaN | images/s b1 / b8 / b32 | texts/s b1 / b8 / b32');
  for (const r of report.runs) {
    const per = (t: TowerReport) => t.throughput.map((x) => fixed(x.perSecond)).join(' / ');
    lines.push(
      `${r.device.padEnd(7)} ${r.dtype.padEnd(6)} | ${fixed(r.startMs / 1000).padStart(7)} | ` +
        `${r.vision.vsReference.min.toFixed(5)} (${r.vision.reference}) | ${r.text.vsReference.min.toFixed(5)} (${r.text.reference}) | ` +
        `${r.vision.nonFinite + r.text.nonFinite} | ${per(r.vision)} | ${per(r.text)}`,
    );
  }
  for (const r of report.refused) lines.push(`${r.device} ${r.dtype}: refused (${r.code}): ${r.message}`);
  for (const c of report.crossBackend) {
    lines.push(`webgpu ${c.dtype} vs wasm ${c.against}: cosine min vision ${c.vision.min.toFixed(6)}, text ${c.text.min.toFixed(6)}`);
  }
  lines.push('steps: ' + report.steps.map((s) => `${s.step} ${fixed(s.ms / 1000)} s`).join(', '));
  const failed = report.bars.filter((b) => !b.ok);
  lines.push(failed.length === 0 ? `all ${report.bars.length} bars passed` : `FAILED: ${failed.map((b) => `${b.name} ${b.value} < ${b.bar}`).join('; ')}`);
  return lines.join('\n');
}
