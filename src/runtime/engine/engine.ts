// The engine: owns one model, tokenizes and preprocesses, batches, runs both towers through
// ModelSessions (which owns devices and fallback), and returns L2-normalized embeddings.
import type { ClipInfo, Dtype, LabelScore, ScoreRule } from '../../shared/clip';
import { type ClipErrorCode, ClipError, abortError } from '../../shared/errors';
import type { ProgressCallback } from '../../shared/progress';
import type { LoadOptions, WireImage } from '../../shared/wire';
import { runPipeline } from '../../core/batch-pipeline';
import { createLimiter } from '../../core/limiter';
import { parsePreprocessorConfig, preprocessImage, preprocessedSize, type PreprocessorConfig } from '../../core/image/preprocess';
import { readLogitScale, statedDim } from '../../core/model/model-config';
import { duplicateLevelOf } from '../../core/model/duplicate-threshold';
import { familyOf, type FamilyRules } from '../../core/model/model-family';
import { checkTowers, DTYPES, type Tower } from '../../core/model/model-files';
import { probeConfig } from '../../core/model/webgpu-probe-input';
import { checkLabels } from '../../core/tags/classify';
import { checkTemplates, DEFAULT_TEMPLATES } from '../../core/tags/prompts';
import { rankLabelsBy, scoreRuleOf } from '../../core/tags/score-rule';
import { normalizeRows } from '../../core/vectors/similarity';
import type { SessionTestHooks } from '../backend/model-sessions';
import { DownloadProgress } from '../model-store/download-progress';
import type { StoreHooks } from '../model-store/model-store';
import { towerFilesToPrefetch } from '../model-store/tower-prefetch';
import { BROWSER_PLATFORM, type EnginePlatform, type EngineSessions, type ImageTensor } from './engine-platform';
import { LabelEmbeddings } from './label-embeddings';
import { ModelFolders } from './model-folders';
import { TextTower } from './text-tower';

/**
 * What only webclip's own tests give a load (src/testing/): faults injected on purpose and an
 * observer of the engine's work. Never part of the worker API.
 */
export interface EngineInternals {
  sessionHooks?: SessionTestHooks;
  storeHooks?: StoreHooks;
  observer?: EngineObserver;
}

/** Told of the engine's work as it happens (tests: the label caches, streaming). */
export interface EngineObserver {
  /** Texts run through the text tower. */
  textsEncoded?(count: number): void;
  /** Images decoded and preprocessed (+n) or run or dropped (−n): held in memory meanwhile. */
  imagesHeld?(delta: number): void;
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

/**
 * The embedding size: what config.json states, else the width the graphs declare; a pair's text
 * tower must project into that space.
 */
function embeddingDim(config: unknown, declared: number | undefined, projected: number | undefined): number {
  const dim = statedDim(config) ?? declared;
  if (dim === undefined) {
    throw new ClipError('BAD_CONFIG', 'neither config.json (projection_dim) nor the vision graph states the embedding size');
  }
  if (projected !== undefined && projected !== dim) {
    throw new ClipError('MODEL_INCOMPATIBLE', `the text tower projects to ${projected} dimensions; the image tower's space has ${dim}`);
  }
  return dim;
}

export class ClipEngine {
  private readonly decodeSlot: ReturnType<typeof createLimiter>;
  /** Label and prompt embeddings, cached (and stored in IndexedDB where asked). */
  readonly labels: LabelEmbeddings;

  private constructor(
    private readonly model: string,
    private readonly dim: number,
    readonly logitScale: number,
    private readonly rules: FamilyRules,
    /** How classify and tags score; null: a SigLIP whose trained constants are unknown. */
    readonly scoring: ScoreRule | null,
    /** null: started without the text tower (`towers`). */
    private readonly text: TextTower | null,
    /** A pair's text tower (its id), when the model is one. */
    private readonly textModel: string | undefined,
    private readonly preprocessor: PreprocessorConfig,
    /** Both towers, on the backend in use. */
    readonly sessions: EngineSessions,
    /** SHA-256 of each cached text-tower file, by dtype: what stored label vectors are keyed on. */
    textFiles: ReadonlyMap<Dtype, string>,
    private readonly observer: EngineObserver | undefined,
    private readonly images: Pick<EnginePlatform, 'decode' | 'preparer' | 'digest'>,
    /** The towers started (`towers` option). */
    readonly towers: readonly Tower[],
  ) {
    this.decodeSlot = createLimiter(images.preparer?.slots ?? DECODE_SLOTS);
    this.labels = new LabelEmbeddings({
      model,
      textFiles,
      backend: () => this.sessions.info,
      embedTexts: (texts, signal) => this.embedTexts(texts, { signal }),
    });
  }

  static async load(
    options: LoadOptions,
    call: CallOptions = {},
    internals: EngineInternals = {},
    platform: EnginePlatform = BROWSER_PLATFORM,
  ): Promise<ClipEngine> {
    const { model } = options;
    const { signal, onProgress } = call;
    const towers = checkTowers(options.towers);
    const progress = new DownloadProgress((event) => onProgress?.(event));
    const folders = await ModelFolders.open(model, internals.storeHooks, platform.openStore, (path, readSignal) => ({
      signal: readSignal ?? signal,
      onProgress: progress.forFile(path),
    }));
    const prefetch = towerFilesToPrefetch(folders.main, options.device, options.dtype, platform.webgpuExists());
    folders.main.prefetch(prefetch.filter((path) => towers.some((t) => path.startsWith(`onnx/${t}_model`))));
    try {
      // a pair's tokenizer is its text tower's, in the text folder; a Clip without the text
      // tower never tokenizes (CLIP's tokenizer.json is 2 MB of JSON: 0.3 s of a start)
      const withText = towers.includes('text');
      const [config, preprocessorJson, tokenizerJson, tokenizerConfig] = await Promise.all([
        folders.readJson('config.json'),
        folders.readJson('preprocessor_config.json'),
        withText ? folders.readTextJson('tokenizer.json') : undefined,
        folders.readTextOptionalJson('tokenizer_config.json'),
      ]);
      const rules = familyOf(config, folders.paired ? undefined : tokenizerConfig);
      const text = withText ? await TextTower.load(folders, rules, tokenizerJson, tokenizerConfig) : null;
      const preprocessor = parsePreprocessorConfig(preprocessorJson);
      // Node: photos asked for ahead are prepared on worker threads while the sessions build.
      if (towers.includes('vision')) await platform.preparer?.begin?.(preprocessor);
      const imageSide = preprocessor.crop?.width ?? (preprocessor.resize?.kind === 'exact' ? preprocessor.resize.width : undefined);
      const sessions = await platform.createSessions({
        files: folders.towerFiles(model.dtypes),
        modelId: model.id,
        config: probeConfig(config, imageSide, text?.clipSpecialIds),
        device: options.device,
        dtype: options.dtype,
        ...(options.wasmBaseUrl === undefined ? {} : { wasmBaseUrl: options.wasmBaseUrl }),
        numThreads: options.numThreads,
        towers,
        ...(signal ? { signal } : {}),
        onStatus: ({ phase, message }) => onProgress?.({ phase, message }),
        ...(internals.sessionHooks ? { hooks: internals.sessionHooks } : {}),
      });
      folders.main.dropPrefetched();
      if (signal?.aborted) {
        await sessions.dispose();
        throw abortError(signal, 'loading the model');
      }
      // Only now is every file this model needs stored and checked: record them together.
      await folders.commit().catch(async (error: unknown) => {
        await sessions.dispose();
        throw error;
      });
      // Known only for a cached model: an uncached one's labels are not stored either.
      const textFiles = new Map(
        DTYPES.flatMap((d): [Dtype, string][] => {
          const hash = folders.textSha256(d);
          return hash ? [[d, hash]] : [];
        }),
      );
      let dim: number;
      try {
        dim = embeddingDim(config, sessions.declaredDim, text?.projectedDim);
      } catch (error) {
        await sessions.dispose();
        throw error;
      }
      const scoring = scoreRuleOf(rules, config, model.id);
      return new ClipEngine(
        model.id, dim, readLogitScale(config), rules, scoring, text, model.text?.id, preprocessor, sessions, textFiles, internals.observer,
        platform, towers,
      );
    } catch (error) {
      await folders.discard();
      throw error;
    }
  }

  /** How libraries hash photos here (undefined: image-identity.ts' default). */
  get digest(): EnginePlatform['digest'] {
    return this.images.digest;
  }

  get info(): ClipInfo {
    const s = this.sessions.info;
    const duplicates = duplicateLevelOf(this.rules.family);
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
      duplicateThreshold: duplicates.threshold,
      duplicateThresholdSource: duplicates.source,
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
    if (!this.text) throw new ClipError('UNSUPPORTED', 'this Clip was started without its text tower (the towers option)');
    this.observer?.textsEncoded?.(texts.length);
    const { block, truncated } = await this.text.embed(texts, (ids, dims, mask) => this.sessions.runText(ids, dims, mask));
    return { vectors: normalizeRows(block, texts.length), truncated };
  }

  /**
   * L2-normalized image embeddings, one per image, in order. A bad image fails alone: the call
   * then rejects with ClipError('BAD_IMAGE') carrying `failures` and the other `embeddings`.
   */
  async embedImages(images: readonly WireImage[], { signal, onProgress }: CallOptions = {}): Promise<Float32Array[]> {
    if (!Array.isArray(images)) throw new ClipError('BAD_INPUT', 'images must be an array');
    if (!this.towers.includes('vision')) {
      throw new ClipError('UNSUPPORTED', "this Clip was started with towers: ['text'], without the image tower: start another to embed images");
    }
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
            this.observer?.imagesHeld?.(1);
            return tensor;
          }),
        run: async (batch) => {
          try {
            return await this.embedTensors(batch);
          } finally {
            for (const tensor of batch) mine.delete(tensor);
            this.observer?.imagesHeld?.(-batch.length);
          }
        },
        signal,
        onBatch: (done, total) => onProgress?.({ phase: 'embed', loaded: done, total }),
        // Worker threads prepare a 12 MP photo in about the time a batch of 8 runs: a second
        // batch in hand keeps them busy while the first one's slowest photos finish.
        ahead: this.images.preparer ? 2 : 1,
      });
    } finally {
      // Prepared but never run (an abort, a failed batch): no longer held either.
      this.observer?.imagesHeld?.(-mine.size);
      mine.clear();
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
    const { preparer } = this.images;
    if (preparer) return preparer.prepare(image, this.preprocessor, signal);
    const pixels = await this.images.decode(image, signal);
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
   * SigLIP's independent sigmoid per label (core/tags/score-rule.ts).
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
   * The labels' embeddings as classify scores them (each ensembled over the templates), through
   * the label cache; copies, which the caller may transfer without emptying the cache.
   */
  async embedLabels(labels: readonly string[], options: CallOptions & { templates?: readonly string[] | undefined } = {}): Promise<Float32Array[]> {
    checkLabels(labels);
    const templates = checkTemplates(options.templates ?? DEFAULT_TEMPLATES);
    const vectors = await this.labelEmbeddings(labels, templates, options.signal, { persist: true });
    return vectors.map((v) => v.slice());
  }

  /** Each label's embedding, ensembled over the templates (see LabelEmbeddings). */
  labelEmbeddings(
    labels: readonly string[],
    templates: readonly string[],
    signal: AbortSignal | undefined,
    options: { persist?: boolean } = {},
  ): Promise<Float32Array[]> {
    return this.labels.get(labels, templates, signal, options);
  }

  dispose(): Promise<void> {
    return this.sessions.dispose();
  }
}
