// `webclip index <folder> --out photos.webclip`: every photo under the folder embedded into a
// library file; a re-run embeds only new or changed files (by their bytes' hash) and drops the
// ones gone; Ctrl-C keeps what is done, in a complete file; a bad photo is reported and skipped.
import { resolve } from 'node:path';
import { ClipError } from '../shared/errors';
import { MAX_AHEAD } from '../node/images/image-pool';
import type { AddResult, VectorStorage } from '../shared/library';
import type { Arguments } from './arguments';
import { EXIT, UsageError } from './cli-error';
import { libraryHeader, openCommandClip, type Io } from './command-clip';
import { walkPhotos } from './photo-walk';
import { duration, ProgressLine } from './progress-line';

export interface IndexSummary {
  readonly file: string;
  readonly model: string;
  readonly photos: number;
  readonly added: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly failed: AddResult['failed'];
  readonly seconds: number;
  readonly interrupted: boolean;
}

export async function indexCommand(args: Arguments, io: Io, signal: AbortSignal): Promise<number> {
  const [folder, extra] = args.positionals;
  if (!folder || extra !== undefined) throw new UsageError('webclip index takes one folder');
  if (!args.out) throw new UsageError('webclip index needs --out FILE (e.g. --out photos.webclip)');
  if (args.storage !== undefined && args.storage !== 'float32' && args.storage !== 'int8') throw new UsageError('--storage must be float32 or int8');
  const file = resolve(args.out);
  const started = performance.now();
  const [photos, existing] = await Promise.all([walkPhotos(folder), libraryHeader(file)]);
  const clip = await openCommandClip(args, io, {
    model: args.model ?? existing?.model,
    // A re-run records vectors under the id the file has, unless told another.
    modelId: args.modelId ?? (args.model === undefined ? existing?.model : undefined),
    towers: ['vision'], // indexing never runs the text tower
    // A new library embeds every photo, the first ones first: they are decoded while the model
    // loads. (A re-run's first photos are likely unchanged: decoding them would be wasted.)
    ...(existing ? {} : { prepareAhead: photos.slice(0, MAX_AHEAD).map((p) => p.path) }),
  });
  let summary: IndexSummary;
  try {
    const library = await clip.library(file, args.storage ? { storage: args.storage as VectorStorage } : {}).catch((error: unknown) => {
      if (error instanceof ClipError && error.code === 'MODEL_MISMATCH' && existing) {
        throw new ClipError('MODEL_MISMATCH', `${file} was indexed with ${existing.model}: index it with that model (--model, and --model-id ${existing.model} if it is a folder), or write another --out`);
      }
      throw error;
    });
    const present = new Set(photos.map((p) => p.id));
    const gone = [...(await library.ids()), ...(await library.staleIds())].filter((id) => !present.has(id));
    const removed = gone.length > 0 ? await library.remove(gone) : 0;
    const progress = new ProgressLine(io.stderr, photos.length, args.quiet || args.json);
    let result: AddResult = { added: [], unchanged: [], failed: [] };
    let interrupted = false;
    try {
      result = await library.add(
        photos.map((p) => ({ id: p.id, image: p.path })),
        { signal, onProgress: (e) => progress.update(e.loaded ?? 0) },
      );
    } catch (error) {
      if (!(error instanceof ClipError && error.code === 'ABORTED')) throw error;
      interrupted = true;
    } finally {
      progress.end();
    }
    await library.flush();
    summary = {
      file,
      model: clip.info.model,
      photos: await library.count(),
      added: result.added.length,
      unchanged: result.unchanged.length,
      removed,
      failed: result.failed,
      seconds: (performance.now() - started) / 1000,
      interrupted,
    };
  } finally {
    await clip.dispose();
  }
  report(summary, args, io);
  return summary.interrupted ? EXIT.interrupted : EXIT.ok;
}

function report(s: IndexSummary, args: Arguments, io: Io): void {
  if (args.json) {
    io.stdout.write(`${JSON.stringify(s)}\n`);
    return;
  }
  for (const f of s.failed) io.stderr.write(`skipped ${f.id}: ${f.message} (${f.code})\n`);
  if (s.interrupted) {
    io.stderr.write(`interrupted: ${s.file} is complete with ${s.photos} photos; run the same command again to index the rest\n`);
    return;
  }
  const parts = [`${s.added} new`, `${s.unchanged} unchanged`, `${s.removed} removed`, ...(s.failed.length ? [`${s.failed.length} skipped`] : [])];
  io.stdout.write(`${s.file}: ${s.photos} photos (${parts.join(', ')}) in ${duration(s.seconds)}\n`);
}
