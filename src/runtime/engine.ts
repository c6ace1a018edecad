// The engine: owns one model, tokenizes and preprocesses, batches, runs both towers through
// ModelSessions (which owns devices and fallback), and returns L2-normalized embeddings.
import { type ClipErrorCode, ClipError, abortError } from '../core/errors';
import { runPipeline } from '../core/batch-pipeline';
import { checkLabels, type LabelScore } from '../core/classify';
import { FamilyTokenizer } from '../core/family-tokenizer';
import { familyOf, statedDim, type FamilyRules, type ModelFamily } from '../core/model-family';
import { meanPoolProject } from '../core/mean-pool';
import type { Tensor32 } from '../core/safetensors';
import { rankLabelsBy, sigmoidRule, type ScoreRule } from '../core/score-rule';
import { LruCache } from '../core/lru-cache';
import { createLimiter } from '../core/limiter';
import { DTYPES, modelFile } from '../core/dtype-choice';
import { parsePreprocessorConfig, preprocessImage, preprocessedSize, type PreprocessorConfig } from '../core/preprocess';
import { checkTemplates, DEFAULT_TEMPLATES, ensemble, fillTemplates } from '../core/prompts';
import { normalizeRows } from '../core/similarity';
import { trimToLongest } from '../core/text-rows';
import { ClipTokenizer } from '../core/tokenizer';
import type { ProgressCallback, WireImage } from '../wire';
import { decodeWireImage } from './image-decoder';
import { DownloadProgress } from './download-progress';
import { readLabels, writeLabels, type LabelSpace } from './label-store';
import { ModelStore, type StoreHooks } from './model-store';
import type { ResolvedModel } from './registry';
import { towerFilesToPrefetch } from './tower-prefetch';
import { loadSentenceTransformerTower, sentenceTransformerFile } from './sentence-transformer-tower';
import {
  ModelSessions,
  type AdapterSummary,
  type Device,
  type Dtype,
  type SessionTestHooks,
} from './model-sessions';

export type { AdapterSummary, Device, Dtype };

export interface EngineOptions {
  /** The model's cache id and where its files come from (src/runtime/registry.ts). */
  model: ResolvedModel;
  device: 'auto' | Device;
  dtype: 'auto' | Dtype;
  /** Where ORT's runtime files are served; absent: where ORT finds them itself. */
  wasmBaseUrl?: string;
  numThreads: number;
  hooks?: SessionTestHooks;
  storeHooks?: StoreHooks;
}

export interface EngineInfo {
  readonly model: string;
  readonly device: Device;
  readonly dtype: Dtype;
  /** Embedding dimension. */
  readonly dim: number;
  readonly adapter: AdapterSummary | null;
  readonly threads: number;
  /** Why webclip runs on WASM although WebGPU was possible or asked for. */
  readonly fallbackReason?: string;
  /** CLIP's temperature: classify's softmax runs on cosine × logitScale. */
  readonly logitScale: number;
  /** The model's family, from its files (core/model-family.ts); a pair's is its image tower's. */
  readonly family: ModelFamily;
  /** A pair's text tower (model: {vision, text}): its id. */
  readonly textModel?: string;
  /**
   * How classify and tags score: CLIP's softmax (scale = logitScale), or SigLIP's independent
   * sigmoid(scale · cos + bias) with where its trained constants came from; null for a SigLIP
   * whose constants no file or table states (classify then refuses with UNSUPPORTED).
   */
  readonly scoring: ScoreRule | null;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ProgressCallback | undefined;
}

/** Images per inference batch: big enough to keep ORT's threads busy, small enough to abort fast. */
const IMAGE_BATCH = 8;
/**
 * Images decoding at once, per engine. The browser decodes off this thread, so a few in flight
 * keep the cores busy while this thread preprocesses; each 12 MP photo holds about 100 MB until
 * it is preprocessed, which bounds memory.
 */
const DECODE_SLOTS = Math.max(2, Math.min(3, globalThis.navigator?.hardwareConcurrency ?? 2));
/** Texts per batch; short captions are cheap, so batches are larger. */
const TEXT_BATCH = 32;
/** Label embeddings kept for classify (each a few KB). */
const LABEL_CACHE_SIZE = 20_000;

/** A model's JSON file; an HTML page where JSON was expected is a wrong URL, not a bad file. */
function parseJsonFile(path: string, bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  if (text.trimStart().startsWith('<')) {
    throw new ClipError('MODEL_NOT_FOUND', `${path} is an HTML page, not JSON: is the model URL right?`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ClipError('BAD_CONFIG', `${path} is not valid JSON`, { cause });
  }
}

function readDim(config: unknown, sessions: ModelSessions): number {
  const dim = statedDim(config) ?? sessions.declaredDim;
  if (dim === undefined) {
    throw new ClipError('BAD_CONFIG', 'neither config.json (projection_dim) nor the vision graph states the embedding size');
  }
  return dim;
}

/**
 * config.json with what the WebGPU probe input needs and some exports leave out (MobileCLIP's
 * `{"model_type": "clip"}`): the image size the preprocessor makes, the tokenizer's special ids.
 */
function withProbeSizes(config: unknown, preprocessor: PreprocessorConfig, tokenizer: TextTokenizer): unknown {
  const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  const vision = (c['vision_config'] ?? {}) as Record<string, unknown>;
  const text = (c['text_config'] ?? {}) as Record<string, unknown>;
  const side = preprocessor.crop?.width ?? (preprocessor.resize?.kind === 'exact' ? preprocessor.resize.width : undefined);
  const ids = tokenizer instanceof ClipTokenizer
    ? { bos_token_id: tokenizer.bosId, eos_token_id: tokenizer.eosId, vocab_size: tokenizer.vocabSize }
    : {};
  return {
    ...c,
    vision_config: { ...(side === undefined ? {} : { image_size: side }), ...vision },
    text_config: { ...ids, ...text },
  };
}

/** A text tokenizer of either kind, as the engine uses it. */
type TextTokenizer = ClipTokenizer | FamilyTokenizer;

function scoreRuleOf(rules: FamilyRules, config: unknown, modelId: string): ScoreRule | null {
  return rules.scoring === 'softmax' ? { kind: 'softmax', scale: readLogitScale(config) } : sigmoidRule(config, modelId);
}

/**
 * CLIP's temperature. Hugging Face's config.json only records `logit_scale_init_value`
 * (ln(1/0.07): where training *started*); the trained value lives in the weights, which the
 * ONNX towers do not carry. Every OpenAI CLIP ends training at the clamp, ln(100), so 100 is
 * the right scale unless the config states a trained `logit_scale` (a log, as in the weights).
 */
function readLogitScale(config: unknown): number {
  const trained = (config as { logit_scale?: unknown } | undefined)?.logit_scale;
  return typeof trained === 'number' && Number.isFinite(trained) ? Math.min(100, Math.exp(trained)) : 100;
}

/** One preprocessed image: a float32 [3, height, width] tensor. */
interface ImageTensor {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

export class ClipEngine {
  private readonly labelCache = new LruCache<string, Promise<Float32Array>>(LABEL_CACHE_SIZE);
  private readonly decodeSlot = createLimiter(DECODE_SLOTS);

  private constructor(
    private readonly model: string,
    private readonly dim: number,
    readonly logitScale: number,
    private readonly rules: FamilyRules,
    readonly scoring: ScoreRule | null,
    private readonly tokenizer: TextTokenizer,
    /** A paired sentence-transformers text tower's Dense weight: its graph gives hidden states. */
    private readonly dense: Tensor32 | null,
    private readonly textModel: string | undefined,
    private readonly preprocessor: PreprocessorConfig,
    private readonly sessions: ModelSessions,
    /** SHA-256 of each cached text-tower file, by dtype: what stored label vectors are keyed on. */
    private readonly textFiles: ReadonlyMap<Dtype, string>,
  ) {}

  /** Texts run through the text tower by this engine (for tests of the label caches). */
  encodedTexts = 0;
  /**
   * Images decoded and preprocessed, waiting for their batch to run, and the most there have
   * been at once: a call streams its images (two batches at a time), it never holds them all.
   */
  private readonly heldImages = new Set<ImageTensor>();
  peakHeldImages = 0;

  static async load(options: EngineOptions, call: CallOptions = {}): Promise<ClipEngine> {
    const { model } = options;
    const { signal, onProgress } = call;
    const store = await ModelStore.open(model.id, model.source, options.storeHooks);
    // a pair's text tower lives in its own folder (and cache entry), in sentence-transformers' layout
    const textStore = model.text ? await ModelStore.open(model.text.id, model.text.source, options.storeHooks) : store;
    store.prefetch(towerFilesToPrefetch(store, options.device, options.dtype, 'gpu' in navigator));
    const progress = new DownloadProgress((event) => onProgress?.(event));
    const readOptions = (path: string, readSignal?: AbortSignal) => ({
      signal: readSignal ?? signal,
      onProgress: progress.forFile(path),
    });
    const read = (path: string, readSignal?: AbortSignal) => store.read(path, readOptions(path, readSignal));
    const readJson = async (path: string) => parseJsonFile(path, await read(path));
    const readText = (path: string, readSignal?: AbortSignal) => textStore.read(path, readOptions(path, readSignal));
    const readTextJson = async (path: string) => parseJsonFile(path, await readText(path));
    const readTextOptionalJson = (path: string) =>
      textStore.readOptional(path, readOptions(path)).then((bytes) => bytes && parseJsonFile(path, bytes));
    // the path of a tower's file in the folder that holds it, and that folder's store
    const towerFile = (path: string): [ModelStore, string] => {
      const mapped = model.text ? sentenceTransformerFile(path) : null;
      return mapped ? [textStore, mapped] : [store, path];
    };
    try {
      const [config, preprocessorJson, tokenizerJson, tokenizerConfig] = await Promise.all([
        readJson('config.json'),
        readJson('preprocessor_config.json'),
        readTextJson('tokenizer.json'),
        readTextOptionalJson('tokenizer_config.json'),
      ]);
      const rules = familyOf(config, model.text ? undefined : tokenizerConfig);
      const tower = model.text
        ? await loadSentenceTransformerTower(readTextJson, readTextOptionalJson, readText, tokenizerJson, tokenizerConfig)
        : null;
      const tokenizer: TextTokenizer = tower
        ? tower.tokenizer
        : rules.family === 'clip' || rules.family === 'mobileclip'
          ? ClipTokenizer.fromJSON(tokenizerJson, tokenizerConfig)
          : FamilyTokenizer.fromJSON(tokenizerJson, tokenizerConfig);
      const preprocessor = parsePreprocessorConfig(preprocessorJson);
      const sessions = await ModelSessions.create({
        files: {
          read: (path: string, readSignal?: AbortSignal) => {
            const [from, file] = towerFile(path);
            return from.read(file, readOptions(file, readSignal));
          },
          has: (path: string) => towerFile(path)[0].has(towerFile(path)[1]),
          size: (path: string) => towerFile(path)[0].sizeOf(towerFile(path)[1]),
          dtypes: model.dtypes,
        },
        modelId: model.id,
        config: withProbeSizes(config, preprocessor, tokenizer),
        device: options.device,
        dtype: options.dtype,
        ...(options.wasmBaseUrl === undefined ? {} : { wasmBaseUrl: options.wasmBaseUrl }),
        numThreads: options.numThreads,
        ...(signal ? { signal } : {}),
        onStatus: ({ phase, message }) => onProgress?.({ phase, message }),
        ...(options.hooks ? { hooks: options.hooks } : {}),
      });
      store.dropPrefetched();
      if (signal?.aborted) {
        await sessions.dispose();
        throw abortError(signal, 'loading the model');
      }
      // Only now is every file this model needs stored and checked: record them together.
      await Promise.all(textStore === store ? [store.commit()] : [store.commit(), textStore.commit()]).catch(async (error: unknown) => {
        await sessions.dispose();
        throw error;
      });
      // Known only for a cached model: an uncached one's labels are not stored either.
      const textFiles = new Map(
        DTYPES.flatMap((d): [Dtype, string][] => {
          const [from, file] = towerFile(modelFile('text', d));
          const hash = from.sha256Of(file);
          return hash ? [[d, hash]] : [];
        }),
      );
      const dim = readDim(config, sessions);
      if (tower && tower.dense.shape[0] !== dim) {
        await sessions.dispose();
        throw new ClipError('MODEL_INCOMPATIBLE', `the text tower projects to ${String(tower.dense.shape[0])} dimensions; the image tower's space has ${dim}`);
      }
      const scoring = scoreRuleOf(rules, config, model.id);
      return new ClipEngine(model.id, dim, readLogitScale(config), rules, scoring, tokenizer, tower?.dense ?? null, model.text?.id, preprocessor, sessions, textFiles);
    } catch (error) {
      store.dropPrefetched();
      await store.discard();
      if (textStore !== store) await textStore.discard();
      throw error;
    }
  }

  get info(): EngineInfo {
    const s = this.sessions.info;
    return {
      model: this.model,
      device: s.device,
      dtype: s.dtype,
      dim: this.dim,
      adapter: s.adapter,
      threads: s.threads,
      ...(s.fallbackReason === undefined ? {} : { fallbackReason: s.fallbackReason }),
      logitScale: this.logitScale,
      family: this.rules.family,
      ...(this.textModel === undefined ? {} : { textModel: this.textModel }),
      scoring: this.scoring,
    };
  }

  /** L2-normalized text embeddings, one per text, in order. */
  async embedTexts(texts: readonly string[], options: CallOptions = {}): Promise<Float32Array[]> {
    return (await this.embedTextsWithInfo(texts, options)).vectors;
  }

  /** embedTexts, and which texts (by index) were cut to the model's context length. */
  async embedTextsWithInfo(texts: readonly string[], { signal }: CallOptions = {}): Promise<{ vectors: Float32Array[]; truncated: number[] }> {
    if (!Array.isArray(texts)) throw new ClipError('BAD_INPUT', 'texts must be an array of strings');
    const vectors: Float32Array[] = [];
    const truncated: number[] = [];
    for (let start = 0; start < texts.length; start += TEXT_BATCH) {
      if (signal?.aborted) throw abortError(signal, 'embedding texts');
      const batch = await this.embedTextBatch(texts.slice(start, start + TEXT_BATCH));
      vectors.push(...batch.vectors);
      batch.truncated.forEach((cut, i) => cut && truncated.push(start + i));
    }
    if (signal?.aborted) throw abortError(signal, 'embedding texts');
    return { vectors, truncated };
  }

  private async embedTextBatch(texts: readonly string[]): Promise<{ vectors: Float32Array[]; truncated: boolean[] }> {
    if (texts.length === 0) return { vectors: [], truncated: [] };
    if (this.dense) return this.embedPooledTextBatch(texts, this.dense);
    const { ids, lengths, truncated } = this.tokenizer.encodeBatchWithInfo(texts);
    // Families whose text tower sees the padding (SigLIP, MobileCLIP: no causal mask) get every
    // row at the trained length, padded with their own pad id; CLIP's rows are cut to the longest.
    const width = this.tokenizer.contextLength;
    const rows = this.rules.textPadding === 'fixed'
      ? { ids, dims: [texts.length, width] as [number, number] }
      : trimToLongest(ids, lengths, width);
    this.encodedTexts += texts.length;
    const block = await this.sessions.runText(rows.ids, rows.dims);
    return { vectors: normalizeRows(block, texts.length), truncated };
  }

  /** A sentence-transformers tower: hidden states, mean-pooled over the mask, projected by Dense. */
  private async embedPooledTextBatch(texts: readonly string[], dense: Tensor32): Promise<{ vectors: Float32Array[]; truncated: boolean[] }> {
    const { ids, attentionMask, width, truncated } = (this.tokenizer as FamilyTokenizer).encodeBatchWithInfo(texts);
    const rows = texts.length;
    const mask = attentionMask ?? new BigInt64Array(ids.length).fill(1n);
    this.encodedTexts += rows;
    const hidden = await this.sessions.runText(ids, [rows, width], mask);
    const pooled = meanPoolProject(hidden, mask, rows, width, dense);
    const block = new Float32Array(rows * (dense.shape[0] as number));
    pooled.forEach((v, r) => block.set(v, r * v.length));
    return { vectors: normalizeRows(block, rows), truncated };
  }

  /**
   * L2-normalized image embeddings, one per image, in order. A bad image fails alone: the call
   * then rejects with ClipError('BAD_IMAGE') carrying `failures` and the other `embeddings`.
   */
  async embedImages(images: readonly WireImage[], { signal, onProgress }: CallOptions = {}): Promise<Float32Array[]> {
    if (!Array.isArray(images)) throw new ClipError('BAD_INPUT', 'images must be an array');
    // This call's tensors not yet run; each is dropped as its batch runs (holding them all
    // until the call ends would undo the streaming).
    const mine = new Set<ImageTensor>();
    let result: Awaited<ReturnType<typeof runPipeline>>;
    try {
      result = await runPipeline<ImageTensor>(images.length, {
        batchSize: IMAGE_BATCH,
        prepare: (i) =>
          this.decodeSlot(async () => {
            const tensor = await this.prepareImage(images[i]!, signal);
            mine.add(tensor);
            this.heldImages.add(tensor);
            this.peakHeldImages = Math.max(this.peakHeldImages, this.heldImages.size);
            return tensor;
          }),
        run: async (batch) => {
          try {
            return await this.embedTensors(batch);
          } finally {
            for (const tensor of batch) {
              mine.delete(tensor);
              this.heldImages.delete(tensor);
            }
          }
        },
        signal,
        onBatch: (done, total) => onProgress?.({ phase: 'embed', loaded: done, total }),
      });
    } finally {
      // Prepared but never run (an abort, a failed batch): no longer held either.
      for (const tensor of mine) this.heldImages.delete(tensor);
    }
    const { embeddings, failures } = result;
    if (failures.length > 0) {
      const codes = new Set<ClipErrorCode>(failures.map((f) => f.code));
      const code = codes.size === 1 ? failures[0]!.code : 'BAD_IMAGE';
      const list = failures.map((f) => `#${f.index}: ${f.message}`).join('; ');
      throw new ClipError(code, `${failures.length} of ${images.length} images failed (${list})`, { failures, embeddings });
    }
    return embeddings as Float32Array[];
  }

  /**
   * Decodes and preprocesses one image. Preprocessing right after decoding lets the decoded
   * pixels (48 MB for a 12 MP photo) go at once, instead of living until their batch runs.
   */
  private async prepareImage(image: WireImage, signal: AbortSignal | undefined): Promise<ImageTensor> {
    // A call aborted while this image waited for a slot does not decode it.
    if (signal?.aborted) throw abortError(signal, 'embedding');
    const pixels = await decodeWireImage(image, signal);
    const { width, height } = preprocessedSize(this.preprocessor, pixels.width, pixels.height);
    return { data: preprocessImage(pixels, this.preprocessor), width, height };
  }

  private async embedTensors(images: readonly ImageTensor[]): Promise<Float32Array[]> {
    const first = images[0];
    if (!first) return [];
    const { width: w, height: h } = first;
    // Without a center crop (or a fixed resize) tensors differ in size and cannot share a batch.
    if (!images.every((t) => t.width === w && t.height === h)) {
      return (await Promise.all(images.map((t) => this.embedTensors([t])))).flat();
    }
    const size = 3 * h * w;
    const batch = new Float32Array(images.length * size);
    images.forEach((t, i) => batch.set(t.data, i * size));
    const block = await this.sessions.runVision(batch, [images.length, 3, h, w]);
    return normalizeRows(block, images.length);
  }

  /**
   * Zero-shot classification, best first: CLIP's softmax(logitScale × cosine) over the labels, or
   * SigLIP's independent sigmoid per label (core/score-rule.ts).
   */
  async classify(
    image: WireImage,
    labels: readonly string[],
    options: CallOptions & { templates?: readonly string[] | undefined } = {},
  ): Promise<LabelScore[]> {
    checkLabels(labels);
    const rule = this.scoring;
    if (rule === null) {
      throw new ClipError(
        'UNSUPPORTED',
        `${this.model} is a SigLIP model whose trained logit_scale and logit_bias neither its config.json nor webclip's table states; ` +
          'compare embeddings (embedImages, embedTexts) instead',
      );
    }
    const templates = checkTemplates(options.templates ?? DEFAULT_TEMPLATES);
    const [labelVectors, imageVectors] = await Promise.all([
      this.labelEmbeddings(labels, templates, options.signal, { persist: true }),
      this.embedImages([image], { signal: options.signal }),
    ]);
    return rankLabelsBy(rule, imageVectors[0]!, labels, labelVectors);
  }

  /**
   * Each label's ensembled embedding. The cache holds promises, so concurrent classify calls
   * with the same labels share one encoding instead of each starting their own. With `persist`
   * (tag vocabularies, classify labels; not search queries) labels are also read from and kept
   * in IndexedDB (label-store.ts), so a later visit does not encode them again.
   */
  labelEmbeddings(
    labels: readonly string[],
    templates: readonly string[],
    signal: AbortSignal | undefined,
    { persist = false }: { persist?: boolean } = {},
  ): Promise<Float32Array[]> {
    const keyOf = (label: string): string => `${templates.join('\u0000')}\u0001${label}`;
    const pending = new Map<string, Promise<Float32Array>>();
    for (const label of labels) {
      const cached = this.labelCache.get(keyOf(label));
      if (cached) pending.set(label, cached);
    }
    const missing = [...new Set(labels.filter((label) => !pending.has(label)))];
    if (missing.length > 0) {
      const encoded = this.encodeLabels(missing, templates, signal, persist);
      missing.forEach((label, i) => {
        const vector = encoded.then((vectors) => vectors[i]!);
        // A failed (or aborted) encoding must not stay cached for the next caller.
        vector.catch(() => this.labelCache.delete(keyOf(label)));
        this.labelCache.set(keyOf(label), vector);
        pending.set(label, vector);
      });
    }
    return Promise.all(labels.map((label) => pending.get(label)!));
  }

  /** The labels' ensembled vectors: stored ones read, the rest encoded (and stored). */
  private async encodeLabels(
    labels: readonly string[],
    templates: readonly string[],
    signal: AbortSignal | undefined,
    persist: boolean,
  ): Promise<Float32Array[]> {
    const { device, dtype } = this.sessions.info;
    const textFile = this.textFiles.get(dtype);
    const space: LabelSpace | undefined = persist && textFile ? { model: this.model, textFile, device, dtype, templates } : undefined;
    const out: (Float32Array | undefined)[] = space ? await readLabels(space, labels) : labels.map(() => undefined);
    const todo = labels.filter((_, i) => !out[i]);
    if (todo.length > 0) {
      const vectors = await this.embedTexts(
        todo.flatMap((label) => fillTemplates(label, templates)),
        { signal },
      );
      const fresh: [string, Float32Array][] = todo.map((label, i) => [
        label,
        ensemble(vectors.slice(i * templates.length, (i + 1) * templates.length)),
      ]);
      const byLabel = new Map(fresh);
      labels.forEach((label, i) => (out[i] ??= byLabel.get(label)));
      // Only if the backend did not change meanwhile (a WebGPU fallback): else the key would lie.
      if (space && this.sessions.info.device === device && this.sessions.info.dtype === dtype) void writeLabels(space, fresh);
    }
    return out as Float32Array[];
  }

  /** How many label embeddings are cached (for tests of the cache). */
  get cachedLabels(): number {
    return this.labelCache.size;
  }

  loseDeviceForTest(): Promise<void> {
    return this.sessions.loseDeviceForTest();
  }

  dispose(): Promise<void> {
    return this.sessions.dispose();
  }
}
