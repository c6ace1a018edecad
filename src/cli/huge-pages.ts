// `webclip index` on Linux with glibc runs itself again with glibc's allocator on transparent
// huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1): decoding a 12 MP photo allocates ~60 MB
// that the kernel otherwise faults in 4 KB at a time, which was over half of the decoding's CPU
// on the 2-core test VM (bench/RESULTS.md, "Indexing in Node"). glibc reads it only at start.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { parseArguments } from './arguments';

const TUNABLE = 'glibc.malloc.hugetlb';

interface Host {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly argv: readonly string[];
  /** glibc's version where the process runs on glibc (musl, other systems: undefined). */
  glibc(): string | undefined;
}

function glibcVersion(): string | undefined {
  (process.report as { excludeNetwork?: boolean }).excludeNetwork = true; // no DNS lookups for a report we read one field of
  return (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
}

const THIS_PROCESS: Host = { platform: process.platform, env: process.env, argv: process.argv, glibc: glibcVersion };

/**
 * Whether this command gains from running again with the tunable: `index` (the one that decodes
 * photos), on Linux with glibc, not set yet (so never twice), and not declined with WEBCLIP_HUGE_PAGES=0.
 */
export function wantsHugePages(host: Host = THIS_PROCESS): boolean {
  if (host.platform !== 'linux' || host.env['WEBCLIP_HUGE_PAGES'] === '0') return false;
  if ((host.env['GLIBC_TUNABLES'] ?? '').includes(TUNABLE)) return false;
  try {
    if (parseArguments(host.argv.slice(2)).command !== 'index') return false;
  } catch {
    return false; // the command itself says what is wrong
  }
  return host.glibc() !== undefined;
}

/** GLIBC_TUNABLES with huge pages added to what is there. */
export const hugePageTunables = (existing: string | undefined): string => [existing, `${TUNABLE}=1`].filter(Boolean).join(':');

/**
 * Runs this command again with the tunable, its input, output and exit code passed through;
 * null if it could not be started (the caller then runs the command here).
 */
export function runWithHugePages(): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, GLIBC_TUNABLES: hugePageTunables(process.env['GLIBC_TUNABLES']) },
    });
    // A terminal's Ctrl-C reaches both processes, a signal sent to this one only this one: it
    // is passed on, and the command takes two that arrive together as one (main.ts).
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = signals.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = (code: number | null) => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(code);
    };
    let started = false;
    child.once('spawn', () => (started = true));
    child.on('error', () => started || done(null)); // later errors (a signal not passed on) leave the run alone
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
