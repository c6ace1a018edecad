// Node side of bench/engine.ts: how much of the machine other work takes while a call runs.
// The benchmark shares 2 cores with whatever else runs here; this puts a number on that.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU jiffies of the whole machine (busy, all) and of this process and its descendants. */
function cpuNow(): { busy: number; all: number; ours: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const busy = all - fields[3]! - fields[4]!;
  const parent = new Map<number, number>();
  const used = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
      used.set(Number(name), Number(rest[11]) + Number(rest[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  let ours = 0;
  for (const [pid, jiffies] of used) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        ours += jiffies;
        break;
      }
    }
  }
  return { busy, all, ours };
}

/** Runs `call` and says what share of the machine's CPUs others used meanwhile (0 to 1). */
export async function withOthersShare<R>(call: () => Promise<R>): Promise<[R, number]> {
  const [result, { others }] = await withCpuUse(call);
  return [result, others];
}

/** CPU clock ticks per second in /proc (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * Runs `call`, and says what share of the CPUs others used meanwhile and how many CPU seconds
 * this benchmark's own processes (browser, its workers, Node) spent on it: a figure the
 * machine's load barely changes, where wall time can grow tenfold.
 */
export async function withCpuUse<R>(call: () => Promise<R>): Promise<[R, { others: number; ownSeconds: number }]> {
  const before = cpuNow();
  const result = await call();
  const after = cpuNow();
  const all = after.all - before.all;
  const others = all > 0 ? Math.max(0, (after.busy - before.busy - (after.ours - before.ours)) / all) : NaN;
  return [result, { others, ownSeconds: (after.ours - before.ours) / TICKS_PER_SECOND }];
}
