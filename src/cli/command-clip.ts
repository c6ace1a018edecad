// The Clip a command runs: the model a library file names (or --model / --model-id), the towers
// the command needs, download progress on standard error.
import { existsSync, openAsBlob } from 'node:fs';
import type { Writable } from 'node:stream';
import type { LibraryFileHeader } from '../core/vectors/library-file';
import { ClipError } from '../shared/errors';
import type { Dtype } from '../shared/clip';
import { readLibraryLayout } from '../runtime/library/library-transfer';
import { createClip } from '../node/create-clip';
import type { NodeClip, Tower } from '../node/node-clip';
import type { Arguments } from './arguments';
import { UsageError } from './cli-error';

export interface Io {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
}

const DTYPES = ['auto', 'fp32', 'fp16', 'q8', 'q4', 'q4f16'];
const DEVICES = ['auto', 'cpu', 'wasm'];

/** A library file's header, or null when there is no file yet. */
export async function libraryHeader(file: string): Promise<LibraryFileHeader | null> {
  if (!existsSync(file)) return null;
  return (await readLibraryLayout(await openAsBlob(file))).header;
}

/** The header of a library file that must exist. */
export async function existingLibrary(file: string | undefined): Promise<LibraryFileHeader> {
  if (!file) throw new UsageError('name the library file (made by webclip index)');
  const header = await libraryHeader(file);
  if (!header) throw new ClipError('NOT_FOUND', `no library file ${file}`);
  return header;
}

export interface ClipChoice {
  /** Where the model's files are: --model, else the library's model, else the default. */
  readonly model: string | undefined;
  /** The id vectors are recorded under (index: --model-id; queries: the library's). */
  readonly modelId: string | undefined;
  readonly towers: readonly Tower[];
  /** Photos to prepare while the model loads (index, into a new library). */
  readonly prepareAhead?: readonly string[];
}

export async function openCommandClip(args: Arguments, io: Io, choice: ClipChoice): Promise<NodeClip> {
  if (args.dtype !== undefined && !DTYPES.includes(args.dtype)) throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}`);
  if (args.device !== undefined && !DEVICES.includes(args.device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}`);
  let lastShown = 0;
  return createClip({
    ...(choice.model === undefined ? {} : { model: choice.model }),
    ...(choice.modelId === undefined ? {} : { modelId: choice.modelId }),
    ...(args.dtype === undefined ? {} : { dtype: args.dtype as Dtype }),
    ...(args.device === undefined ? {} : { device: args.device as 'auto' | 'cpu' | 'wasm' }),
    ...(args.cacheDir === undefined ? {} : { cacheDir: args.cacheDir }),
    ...(args.imageThreads === undefined ? {} : { imageThreads: args.imageThreads }),
    towers: choice.towers,
    ...(choice.prepareAhead ? { prepareAhead: choice.prepareAhead } : {}),
    onProgress: (event) => {
      if (args.quiet || event.phase !== 'download' || !event.overall) return;
      const now = performance.now();
      if (now - lastShown < 1000) return;
      lastShown = now;
      const mb = (n: number) => (n / 1e6).toFixed(0);
      const total = event.overall.total === undefined ? '' : ` of ${mb(event.overall.total)}`;
      io.stderr.write(`downloading the model: ${mb(event.overall.loaded)}${total} MB\n`);
    },
  });
}
