// A model folder on disk in Hugging Face's ONNX layout, read in place: the engine's view of a
// model's files (EngineStore) without a cache, since the files are already local.
import { readFile, stat } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClipError, abortError } from '../../shared/errors';
import type { EngineStore } from '../../runtime/engine/engine-platform';
import type { ReadOptions } from '../../runtime/model-store/model-store';

export class FolderFiles implements EngineStore {
  constructor(readonly folder: string) {}

  static async open(folder: string): Promise<FolderFiles> {
    const info = await stat(folder).catch(() => null);
    if (!info?.isDirectory()) throw new ClipError('MODEL_NOT_FOUND', `the model folder ${folder} does not exist`);
    return new FolderFiles(folder);
  }

  private at(path: string): string {
    return join(this.folder, ...path.split('/'));
  }

  async read(path: string, options: ReadOptions = {}): Promise<Uint8Array> {
    if (options.signal?.aborted) throw abortError(options.signal, `reading ${path}`);
    try {
      const bytes = await readFile(this.at(path), options.signal ? { signal: options.signal } : {});
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ClipError('MODEL_NOT_FOUND', `${path} is not in the model folder ${this.folder}`);
      if (options.signal?.aborted) throw abortError(options.signal, `reading ${path}`);
      throw new ClipError('MODEL_NOT_FOUND', `could not read ${path} in ${this.folder}: ${String(error)}`, { cause: error });
    }
  }

  /** The file's path, for onnxruntime-node to open itself (far cheaper than bytes for large models). */
  async locate(path: string, options: ReadOptions = {}): Promise<string> {
    if (options.signal?.aborted) throw abortError(options.signal, `reading ${path}`);
    if (!this.has(path)) throw new ClipError('MODEL_NOT_FOUND', `${path} is not in the model folder ${this.folder}`);
    return this.at(path);
  }

  async readOptional(path: string, options: ReadOptions = {}): Promise<Uint8Array | undefined> {
    return existsSync(this.at(path)) ? this.read(path, options) : undefined;
  }

  has(path: string): boolean {
    return existsSync(this.at(path));
  }

  sizeOf(path: string): number | undefined {
    return this.has(path) ? statSync(this.at(path)).size : undefined;
  }

  /** Unknown without reading the file; label vectors are then not persisted, only cached in memory. */
  sha256Of(): string | undefined {
    return undefined;
  }

  prefetch(): void {}
  dropPrefetched(): void {}
  async commit(): Promise<void> {}
  async discard(): Promise<void> {}
}
