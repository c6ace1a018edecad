// throwaway: per-thread CPU of a process tree, from /proc
import { readdirSync, readFileSync } from 'node:fs';
export interface ThreadStat { pid: number; tid: number; comm: string; cpu: number; nice: number; prio: number; proc: string }
function children(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try { const s = readFileSync(`/proc/${name}/stat`, 'utf8'); const rest = s.slice(s.lastIndexOf(')') + 2).split(' '); if (Number(rest[1]) === pid) out.push(Number(name)); } catch {}
  }
  return out;
}
export function tree(root: number): number[] { const all = [root]; for (let i = 0; i < all.length; i++) all.push(...children(all[i]!)); return all; }
export function threads(root: number): Map<number, ThreadStat> {
  const m = new Map<number, ThreadStat>();
  for (const pid of tree(root)) {
    let proc = '';
    try { proc = readFileSync(`/proc/${pid}/cmdline`, 'utf8').match(/--type=([\w-]+)/)?.[1] ?? 'browser'; } catch { continue; }
    let tids: string[] = [];
    try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const t of tids) {
      try {
        const s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
        const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
        const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
        m.set(Number(t), { pid, tid: Number(t), comm, cpu: Number(rest[11]) + Number(rest[12]), prio: Number(rest[15]), nice: Number(rest[16]), proc });
      } catch {}
    }
  }
  return m;
}
export function diff(a: Map<number, ThreadStat>, b: Map<number, ThreadStat>, min = 5): string {
  const rows: [ThreadStat, number][] = [];
  for (const [tid, s] of b) { const d = s.cpu - (a.get(tid)?.cpu ?? 0); if (d >= min) rows.push([s, d]); }
  rows.sort((x, y) => y[1] - x[1]);
  return rows.map(([s, d]) => `${s.proc.slice(0,4)}/${s.tid}:${s.comm.slice(0, 12)}(n${s.nice}) ${d * 10}ms`).join(' | ');
}
import { setPriority } from 'node:os';
/** Lowers the nice of every thread of the tree by `by`, keeping Chromium's own differences; logs Chromium's changes. */
export function startBoost(root: number, by: number, log: (s: string) => void): () => void {
  const mine = new Map<number, number>(); // tid → value I set
  const tick = () => {
    for (const s of threads(root).values()) {
      if (s.proc === 'browser' && s.comm === 'node') continue;
      const setByMe = mine.get(s.tid);
      if (setByMe !== undefined && setByMe === s.nice) continue;
      if (setByMe !== undefined) log(`nice change by chromium: ${s.proc}/${s.tid}:${s.comm} ${setByMe} -> ${s.nice}`);
      const target = Math.max(-20, s.nice - by);
      try { setPriority(s.tid, target); mine.set(s.tid, target); } catch {}
    }
  };
  const timer = setInterval(tick, 500);
  tick();
  return () => clearInterval(timer);
}

import { writeFileSync } from 'node:fs';
/** Sets the autogroup nice of every session in the tree (Chromium's processes have a session of their own). */
export function boostAutogroups(root: number, nice: number): string[] {
  const done = new Set<string>();
  const own = readFileSync('/proc/self/autogroup', 'utf8').split(' ')[0]!;
  for (const pid of tree(root)) {
    if (pid === root) continue;
    try {
      const group = readFileSync(`/proc/${pid}/autogroup`, 'utf8').split(' ')[0]!;
      if (done.has(group) || group === own) continue;
      writeFileSync(`/proc/${pid}/autogroup`, String(nice));
      done.add(group);
    } catch {}
  }
  return [...done];
}
