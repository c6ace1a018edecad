// The engine: owns one model (both towers in one ORT instance), tokenizes and preprocesses,
// runs the encoders, and returns L2-normalized embeddings.
import { ClipError } from '../core/errors';
import {
  parsePreprocessorConfig,
  preprocessedSize,
  preprocessImageInto,
  type PreprocessorConfig,
  type RgbaPixels,
} from '../core/preprocess';
import { normalizeRows } from '../core/similarity';
import { ClipTokenizer } from '../core/tokenizer';
import { decodeImage } from './image-decoder';
import { Encoder } from './encoder';
import { fetchModelBytes, fetchModelJson, fetchOptionalModelJson } from './model-files';
import { loadOrt } from './ort-loader';

export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

/** File-name suffix of each dtype in Hugging Face's ONNX export layout. */
const dtypeSuffix: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
};

export interface EngineOptions {
  /** Base URL of a model folder in Hugging Face's ONNX layout. */
  model: string;
  dtype?: Dtype;
  /** Where ORT's runtime files are served (our own origin). */
  wasmBaseUrl: string;
  numThreads: number;
  signal?: AbortSignal;
}

export interface EngineInfo {
  model: string;
  device: 'wasm';
  dtype: Dtype;
  /** Embedding dimension. */
  dim: number;
  threads: number;
  logitScale: number;
}

function readProjectionDim(config: unknown): number {
  const dim = (config as { projection_dim?: unknown } | undefined)?.projection_dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim <= 0) {
    throw new ClipError('BAD_CONFIG', 'config.json has no positive integer projection_dim');
  }
  return dim;
}

function readLogitScale(config: unknown): number {
  // HF stores the initial value of the *log* of the scale; CLIP's trained value is ln(100).
  const init = (config as { logit_scale_init_value?: unknown } | undefined)?.logit_scale_init_value;
  return typeof init === 'number' ? Math.exp(init) : 100;
}

export class ClipEngine {
  private constructor(
    readonly info: EngineInfo,
    private readonly tokenizer: ClipTokenizer,
    private readonly preprocessor: PreprocessorConfig,
    private readonly imageEncoder: Encoder,
    private readonly textEncoder: Encoder,
  ) {}

  static async load(options: EngineOptions): Promise<ClipEngine> {
    const { model, signal } = options;
    const dtype = options.dtype ?? 'q8';
    const [config, preprocessorJson, tokenizerJson, tokenizerConfig] = await Promise.all([
      fetchModelJson(model, 'config.json', signal),
      fetchModelJson(model, 'preprocessor_config.json', signal),
      fetchModelJson(model, 'tokenizer.json', signal),
      fetchOptionalModelJson(model, 'tokenizer_config.json', signal),
    ]);
    const tokenizer = ClipTokenizer.fromJSON(tokenizerJson, tokenizerConfig);
    const preprocessor = parsePreprocessorConfig(preprocessorJson);
    const suffix = dtypeSuffix[dtype];
    const [visionBytes, textBytes, ort] = await Promise.all([
      fetchModelBytes(model, `onnx/vision_model${suffix}.onnx`, signal),
      fetchModelBytes(model, `onnx/text_model${suffix}.onnx`, signal),
      loadOrt({ wasmBaseUrl: options.wasmBaseUrl, numThreads: options.numThreads }),
    ]);
    const imageEncoder = await Encoder.create(ort, visionBytes, 'pixel_values', 'image_embeds');
    const textEncoder = await Encoder.create(ort, textBytes, 'input_ids', 'text_embeds');
    const info: EngineInfo = {
      model,
      device: 'wasm',
      dtype,
      dim: readProjectionDim(config),
      threads: options.numThreads,
      logitScale: readLogitScale(config),
    };
    return new ClipEngine(info, tokenizer, preprocessor, imageEncoder, textEncoder);
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const { ids, lengths } = this.tokenizer.encodeBatchWithInfo(texts);
    // Pad only to the longest text of the batch: under CLIP's causal mask, with pooling at the
    // first <|endoftext|>, the padding never reaches the pooled token, and short captions run
    // several times faster than at 77.
    const width = this.tokenizer.contextLength;
    const longest = Math.max(...lengths);
    const rows = texts.length;
    const packed = longest === width ? ids : new BigInt64Array(rows * longest);
    if (packed !== ids) for (let r = 0; r < rows; r++) packed.set(ids.subarray(r * width, r * width + longest), r * longest);
    const block = await this.textEncoder.run(packed, [rows, longest]);
    return normalizeRows(block, rows);
  }

  async embedPixels(images: readonly RgbaPixels[]): Promise<Float32Array[]> {
    const first = images[0];
    if (!first) return [];
    const { width: w, height: h } = preprocessedSize(this.preprocessor, first.width, first.height);
    const sameSize = images.every((p) => {
      const size = preprocessedSize(this.preprocessor, p.width, p.height);
      return size.width === w && size.height === h;
    });
    // Without a center crop (or a fixed resize) tensors differ in size and cannot share a batch.
    if (!sameSize) return (await Promise.all(images.map((p) => this.embedPixels([p])))).flat();
    const size = 3 * h * w;
    const batch = new Float32Array(images.length * size);
    images.forEach((pixels, i) => preprocessImageInto(pixels, this.preprocessor, batch, i * size));
    const block = await this.imageEncoder.run(batch, [images.length, 3, h, w]);
    return normalizeRows(block, images.length);
  }

  async embedImages(blobs: readonly Blob[]): Promise<Float32Array[]> {
    const pixels = await Promise.all(blobs.map((blob) => decodeImage(blob)));
    return this.embedPixels(pixels);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.imageEncoder.release(), this.textEncoder.release()]);
  }
}
