// Where a model's files are read: its one folder, or for a pair ({vision, text}) the image
// tower's folder and the text tower's own (sentence-transformers layout, its graph under other
// names). Each folder has its own store and cache entry; a load commits or discards both.
import type { Dtype } from '../../shared/clip';
import type { ResolvedModel } from '../../shared/wire';
import { parseJsonFile } from '../../core/model/model-config';
import { modelFile } from '../../core/model/model-files';
import type { ModelFileReader } from '../backend/backend-build';
import type { ReadOptions, StoreHooks } from '../model-store/model-store';
import type { EnginePlatform, EngineStore } from './engine-platform';
import { sentenceTransformerFile } from './sentence-transformer-tower';

/** The signal and progress callback of one file's read. */
type ReadOptionsOf = (path: string, signal?: AbortSignal) => ReadOptions;

export class ModelFolders {
  private constructor(
    /** The model's folder (a pair: its image tower's). */
    readonly main: EngineStore,
    /** The text tower's folder: `main` unless the model is a pair. */
    readonly text: EngineStore,
    private readonly readOptions: ReadOptionsOf,
  ) {}

  static async open(
    model: ResolvedModel,
    hooks: StoreHooks | undefined,
    openStore: EnginePlatform['openStore'],
    readOptions: ReadOptionsOf,
  ): Promise<ModelFolders> {
    const main = await openStore(model, hooks);
    if (!model.text) return new ModelFolders(main, main, readOptions);
    try {
      return new ModelFolders(main, await openStore(model.text, hooks), readOptions);
    } catch (error) {
      await main.discard();
      throw error;
    }
  }

  get paired(): boolean {
    return this.text !== this.main;
  }

  read(path: string, signal?: AbortSignal): Promise<Uint8Array> {
    return this.main.read(path, this.readOptions(path, signal));
  }

  async readJson(path: string): Promise<unknown> {
    return parseJsonFile(path, await this.read(path));
  }

  /** A file of the text tower's folder (tokenizer, a pair's pooling and projection). */
  readText(path: string): Promise<Uint8Array> {
    return this.text.read(path, this.readOptions(path));
  }

  async readTextJson(path: string): Promise<unknown> {
    return parseJsonFile(path, await this.readText(path));
  }

  /** A JSON file the text tower's folder may lack: undefined then. */
  async readTextOptionalJson(path: string): Promise<unknown> {
    const bytes = await this.text.readOptional(path, this.readOptions(path));
    return bytes && parseJsonFile(path, bytes);
  }

  /** The graphs, as ModelSessions asks for them by their Hugging Face layout names. */
  towerFiles(dtypes: readonly Dtype[] | undefined): ModelFileReader {
    return {
      read: (path, signal) => {
        const [store, file] = this.towerFile(path);
        return store.read(file, this.readOptions(file, signal));
      },
      has: (path) => {
        const [store, file] = this.towerFile(path);
        return store.has(file);
      },
      size: (path) => {
        const [store, file] = this.towerFile(path);
        return store.sizeOf(file);
      },
      dtypes,
      // Node's stores hand onnxruntime-node a path instead of the bytes
      ...(this.main.locate && this.text.locate
        ? {
            locate: (path: string, signal?: AbortSignal) => {
              const [store, file] = this.towerFile(path);
              return store.locate!(file, this.readOptions(file, signal));
            },
          }
        : {}),
    };
  }

  /** SHA-256 of the cached text-tower file of a dtype (what stored label vectors are keyed on). */
  textSha256(dtype: Dtype): string | undefined {
    const [store, file] = this.towerFile(modelFile('text', dtype));
    return store.sha256Of(file);
  }

  /** Every file the load stored, recorded: the model (both folders) is now complete. */
  async commit(): Promise<void> {
    await Promise.all(this.paired ? [this.main.commit(), this.text.commit()] : [this.main.commit()]);
  }

  /** A failed load: what it wrote goes. */
  async discard(): Promise<void> {
    this.main.dropPrefetched();
    await this.main.discard();
    if (this.paired) await this.text.discard();
  }

  // a pair's text graph lives in the text folder under sentence-transformers' names
  private towerFile(path: string): [EngineStore, string] {
    const mapped = this.paired ? sentenceTransformerFile(path) : null;
    return mapped ? [this.text, mapped] : [this.main, path];
  }
}
