// A downloaded model in webclip/node's cache folder: each file fetched once (resumed, retried:
// runtime/model-store/download.ts), stored whole, and checked chunk by chunk against the manifest
// on every read, as the browser's IndexedDB cache is; the manifest lists only complete files.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CHUNK_BYTES, chunkCheck, chunkCount, chunkMatches, chunkSize, parseManifest, type ModelManifest, type StoredFile } from '../../core/model/model-manifest';
import { ClipError } from '../../shared/errors';
import type { EngineStore } from '../../runtime/engine/engine-platform';
import { download } from '../../runtime/model-store/download';
import type { ReadOptions } from '../../runtime/model-store/model-store';

/** A cache id as a folder name: readable, and distinct for distinct ids. */
export function cacheFolderName(id: string): string {
  const readable = id.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return `${readable}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}

function storedFile(bytes: Uint8Array): StoredFile {
  const chunks: string[] = [];
  for (let i = 0, n = chunkCount(bytes.length, CHUNK_BYTES); i < n; i++) {
    chunks.push(chunkCheck(bytes.subarray(i * CHUNK_BYTES, i * CHUNK_BYTES + chunkSize(bytes.length, CHUNK_BYTES, i))));
  }
  return { size: bytes.length, chunkBytes: CHUNK_BYTES, sha256: createHash('sha256').update(bytes).digest('hex'), chunks };
}

function matches(bytes: Uint8Array, file: StoredFile): boolean {
  if (bytes.length !== file.size) return false;
  return file.chunks.every((check, i) =>
    chunkMatches(bytes.subarray(i * file.chunkBytes, i * file.chunkBytes + chunkSize(file.size, file.chunkBytes, i)), check),
  );
}

async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.part-${process.pid}`;
  await writeFile(part, bytes);
  await rename(part, path);
}

export class CacheFiles implements EngineStore {
  /** Files downloaded by this load, not yet in the manifest. */
  private readonly fresh = new Map<string, StoredFile>();
  private readonly newlyAbsent = new Set<string>();

  private constructor(
    private readonly id: string,
    private readonly baseUrl: string,
    readonly folder: string,
    private manifest: ModelManifest | null,
    private readonly retries: { retries?: number; backoffMs?: number },
  ) {}

  static async open(id: string, baseUrl: string, cacheDir: string, retries: { retries?: number; backoffMs?: number } = {}): Promise<CacheFiles> {
    const folder = join(cacheDir, 'models', cacheFolderName(id));
    const text = await readFile(join(folder, 'manifest.json'), 'utf8').catch(() => null);
    let manifest: ModelManifest | null = null;
    try {
      manifest = text === null ? null : parseManifest(JSON.parse(text));
    } catch {
      manifest = null; // a damaged manifest: the model counts as not cached
    }
    return new CacheFiles(id, baseUrl, folder, manifest?.id === id ? manifest : null, retries);
  }

  private at(path: string): string {
    return join(this.folder, 'files', ...path.split('/'));
  }

  private known(path: string): StoredFile | undefined {
    return this.fresh.get(path) ?? this.manifest?.files[path];
  }

  async read(path: string, options: ReadOptions = {}): Promise<Uint8Array> {
    const known = this.known(path);
    if (known && existsSync(this.at(path))) {
      const bytes = new Uint8Array(await readFile(this.at(path)));
      // A damaged file (a disk error, an edit by hand) is fetched again.
      if (matches(bytes, known)) return bytes;
    }
    if (this.manifest?.absent.includes(path)) throw new ClipError('MODEL_NOT_FOUND', `${path} is not part of this model`);
    return this.fetchAndStore(path, options);
  }

  /** The file checked (or fetched and stored) as `read` does, as its path in the cache folder. */
  async locate(path: string, options: ReadOptions = {}): Promise<string> {
    await this.read(path, options);
    return this.at(path);
  }

  async readOptional(path: string, options: ReadOptions = {}): Promise<Uint8Array | undefined> {
    if (this.manifest?.absent.includes(path)) return undefined;
    try {
      return await this.read(path, options);
    } catch (error) {
      if (!(error instanceof ClipError) || error.code !== 'MODEL_NOT_FOUND') throw error;
      this.newlyAbsent.add(path);
      return undefined;
    }
  }

  private async fetchAndStore(path: string, options: ReadOptions): Promise<Uint8Array> {
    const pieces: Uint8Array[] = [];
    const size = await download(
      new URL(path, this.baseUrl).href,
      path,
      { restart: () => void (pieces.length = 0), write: (piece) => void pieces.push(piece) },
      { signal: options.signal, onProgress: options.onProgress, ...this.retries },
    );
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const piece of pieces) {
      bytes.set(piece, at);
      at += piece.length;
    }
    await writeAtomically(this.at(path), bytes).catch((cause: unknown) => {
      throw new ClipError('QUOTA', `could not store ${path} in ${this.folder}: ${String(cause)}`, { cause });
    });
    this.fresh.set(path, storedFile(bytes));
    return bytes;
  }

  has(path: string): boolean {
    return this.known(path) !== undefined && existsSync(this.at(path));
  }

  sizeOf(path: string): number | undefined {
    return this.known(path)?.size;
  }

  sha256Of(path: string): string | undefined {
    return this.known(path)?.sha256;
  }

  prefetch(): void {}
  dropPrefetched(): void {}

  /** The files this load stored join the manifest, written last: the model is now complete. */
  async commit(): Promise<void> {
    if (this.fresh.size === 0 && this.newlyAbsent.size === 0 && this.manifest) return;
    const files = { ...this.manifest?.files, ...Object.fromEntries(this.fresh) };
    const absent = [...new Set([...(this.manifest?.absent ?? []), ...this.newlyAbsent])].filter((p) => !(p in files));
    const manifest: ModelManifest = { version: 1, id: this.id, source: this.baseUrl, files, absent, updatedAt: Date.now() };
    await writeAtomically(join(this.folder, 'manifest.json'), JSON.stringify(manifest));
    this.manifest = manifest;
    this.fresh.clear();
    this.newlyAbsent.clear();
  }

  /** A failed load removes what it downloaded: the manifest never lists those files. */
  async discard(): Promise<void> {
    await Promise.all([...this.fresh.keys()].map((path) => rm(this.at(path), { force: true })));
    this.fresh.clear();
  }
}
