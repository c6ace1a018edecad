// The `webclip` command (package.json "bin"): parses the command line, runs one command, and
// exits with a code a shell can test. Ctrl-C stops indexing between photos and saves; a
// second Ctrl-C quits at once (the library file on disk is complete either way).
import { readFileSync } from 'node:fs';
import { parseArguments, type Arguments } from './arguments';
import { EXIT, failure, UsageError } from './cli-error';
import type { Io } from './command-clip';
import { exportCommand } from './export-command';
import { indexCommand } from './index-command';
import { duplicatesCommand, infoCommand, searchCommand, similarCommand, tagCommand } from './query-commands';
import { USAGE } from './usage';

function packageVersion(): string {
  try {
    // Built into lib/node/, the package.json is two folders up; from src/cli/, too.
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const SAME_SIGNAL_MS = 1000;

export async function runCommand(argv: readonly string[], io: Io, signal: AbortSignal): Promise<number> {
  let args: Arguments;
  try {
    args = parseArguments(argv);
    if (args.version) {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT.ok;
    }
    if (args.help || args.command === undefined || args.command === 'help') {
      io.stdout.write(USAGE);
      return args.command === undefined && !args.help ? EXIT.usage : EXIT.ok;
    }
    switch (args.command) {
      case 'index':
        return await indexCommand(args, io, signal);
      case 'search':
        return await searchCommand(args, io);
      case 'similar':
        return await similarCommand(args, io);
      case 'tag':
        return await tagCommand(args, io);
      case 'duplicates':
        return await duplicatesCommand(args, io);
      case 'export':
        return await exportCommand(args, io, packageVersion());
      case 'info':
        return await infoCommand(args, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(args.command)}`);
    }
  } catch (error) {
    const { message, code } = failure(error);
    io.stderr.write(`webclip: ${message}\n`);
    if (code === EXIT.usage) io.stderr.write('run webclip --help for the commands and options\n');
    return code;
  }
}

/** The process: Ctrl-C (or SIGTERM) asks the command to stop; a second one exits at once. */
export async function main(): Promise<void> {
  const stop = new AbortController();
  let stoppedAt = 0;
  const onSignal = () => {
    if (stop.signal.aborted) {
      // Run by `webclip index` again (huge-pages.ts), a terminal's Ctrl-C comes twice: directly
      // and passed on. Two within a second are that one.
      if (performance.now() - stoppedAt > SAME_SIGNAL_MS) process.exit(EXIT.interrupted);
      return;
    }
    stoppedAt = performance.now();
    process.stderr.write('\nstopping after the photos in hand (Ctrl-C again to quit now)…\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok); // `webclip export … | head`
  });
  process.exitCode = await runCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, stop.signal);
}
