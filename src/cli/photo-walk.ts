// The photos under a folder, recursively, in a stable order: each with its id (its path relative
// to the folder, '/'-separated, as libraries and pages name it) and its path on disk.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ClipError } from '../shared/errors';

/** The extensions of the formats webclip/node decodes (case does not matter). */
const PHOTO = /\.(jpe?g|png|webp|gif|bmp)$/i;

export interface PhotoFile {
  readonly id: string;
  readonly path: string;
}

export async function walkPhotos(folder: string): Promise<PhotoFile[]> {
  const top = await stat(folder).catch(() => null);
  if (!top?.isDirectory()) throw new ClipError('NOT_FOUND', `${folder} is not a folder`);
  const out: PhotoFile[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      // Hidden files and folders (.git, .thumbnails, macOS' ._ files) are not photos.
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      // A link to a file counts; links to folders are not followed (they could loop).
      else if (PHOTO.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile()))) {
        out.push({ id: relative(folder, path).split(sep).join('/'), path });
      }
    }
  };
  await visit(folder);
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
