// `webclip search | similar | tag | duplicates | info` on a library file: each loads only the
// tower it needs (none for duplicates and info, which read the vectors themselves).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ClipError } from '../shared/errors';
import { findDuplicateGroups } from '../core/vectors/duplicates/near-duplicates';
import type { PhotoHit, TagScore } from '../shared/library';
import type { NodeClip, NodeLibrary, Tower } from '../node/node-clip';
import { LibraryRows } from '../node/export/library-rows';
import type { Arguments } from './arguments';
import { EXIT, UsageError } from './cli-error';
import { existingLibrary, openCommandClip, type Io } from './command-clip';

const print = (io: Io, args: Arguments, value: unknown, lines: () => string[]): void => {
  io.stdout.write(args.json ? `${JSON.stringify(value)}\n` : lines().map((l) => `${l}\n`).join(''));
};
const hitLines = (hits: readonly PhotoHit[]) => hits.map((h) => `${h.score.toFixed(4)}\t${h.id}`);
const tagLines = (tags: readonly TagScore[]) => tags.map((t) => `${t.score.toFixed(3)}\t${t.tag}`);

/** Runs `work` on the library file with a Clip of the library's model, started with `towers`. */
async function withLibrary<T>(args: Arguments, io: Io, towers: readonly Tower[], work: (library: NodeLibrary, clip: NodeClip) => Promise<T>): Promise<T> {
  const file = resolve(args.positionals[0] ?? '');
  const header = await existingLibrary(args.positionals[0]);
  // The library's vectors are its model's: its id, whatever folder or URL holds the files.
  const clip = await openCommandClip(args, io, { model: args.model ?? header.model, modelId: header.model, towers });
  try {
    return await work(await clip.library(file), clip);
  } finally {
    await clip.dispose();
  }
}

/** A photo named on the command line: an id of the library, or an image file's bytes (embedded, not added). */
async function photoTarget(file: string, target: string): Promise<string | Uint8Array> {
  if ((await existingLibrary(file)).entries.some(([id]) => id === target)) return target;
  if (existsSync(target)) return new Uint8Array(await readFile(target));
  throw new ClipError('NOT_FOUND', `${target} is neither a photo of ${file} nor an image file`);
}

export async function searchCommand(args: Arguments, io: Io): Promise<number> {
  const [, text, extra] = args.positionals;
  if (!text || extra !== undefined) throw new UsageError('webclip search FILE "a sentence" [-k 10]');
  const hits = await withLibrary(args, io, ['text'], (library) => library.search(text, { k: args.k ?? 10 }));
  print(io, args, hits, () => hitLines(hits));
  return EXIT.ok;
}

export async function similarCommand(args: Arguments, io: Io): Promise<number> {
  const [file, target, extra] = args.positionals;
  if (!target || extra !== undefined) throw new UsageError('webclip similar FILE PHOTO_ID|IMAGE [-k 10]');
  const photo = await photoTarget(file!, target);
  // A photo of the library needs no model run (the small text tower stands in); an image, the image tower.
  const towers: Tower[] = typeof photo === 'string' ? ['text'] : ['vision'];
  const hits = await withLibrary(args, io, towers, (library) => library.similar(photo, { k: args.k ?? 10 }));
  print(io, args, hits, () => hitLines(hits));
  return EXIT.ok;
}

export async function tagCommand(args: Arguments, io: Io): Promise<number> {
  const [file, target, extra] = args.positionals;
  if (extra !== undefined) throw new UsageError('webclip tag FILE [PHOTO_ID|IMAGE] [--vocabulary a,b,c] [-k 5] [--threshold 0.5]');
  const options = {
    ...(args.vocabulary ? { vocabulary: args.vocabulary } : {}),
    ...(args.k === undefined ? {} : { topK: args.k }),
    ...(args.threshold === undefined ? {} : { threshold: args.threshold }),
  };
  if (target === undefined) {
    const all = await withLibrary(args, io, ['text'], (library) => library.tagAll(options));
    print(io, args, all, () => all.map((p) => `${p.id}\t${p.tags.map((t) => `${t.tag} ${t.score.toFixed(2)}`).join(', ')}`));
    return EXIT.ok;
  }
  const photo = await photoTarget(file!, target);
  const towers: Tower[] = typeof photo === 'string' ? ['text'] : ['vision', 'text'];
  const tags = await withLibrary(args, io, towers, (library) => library.tag(photo, options));
  print(io, args, tags, () => tagLines(tags));
  return EXIT.ok;
}

export async function duplicatesCommand(args: Arguments, io: Io): Promise<number> {
  const [file, extra] = args.positionals;
  if (!file || extra !== undefined) throw new UsageError('webclip duplicates FILE [--threshold 0.95]');
  const rows = await LibraryRows.open(file);
  const ids: string[] = [];
  const vectors: Float32Array[] = [];
  for await (const page of rows.pages()) for (const row of page) (ids.push(row.id), vectors.push(row.vector));
  const { groups } = findDuplicateGroups(vectors, rows.provenance.dim, { threshold: args.threshold ?? 0.95 });
  const named = groups.map((g) => g.map((row) => ids[row]!).sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  print(io, args, named, () => named.map((g) => g.join('\t')));
  return EXIT.ok;
}

export async function infoCommand(args: Arguments, io: Io): Promise<number> {
  const [file, extra] = args.positionals;
  if (!file || extra !== undefined) throw new UsageError('webclip info FILE');
  const p = (await LibraryRows.open(file)).provenance;
  print(io, args, p, () => [
    `library        ${p.library}`,
    `model          ${p.model}`,
    `preprocessing  ${p.preprocessing}`,
    `vectors        ${p.count} × ${p.dim} (${p.storage})`,
    `written        ${new Date(p.exportedAt).toISOString()}`,
  ]);
  return EXIT.ok;
}
