// The fixed input the WebGPU probe embeds on both backends (src/runtime/backend/webgpu-probe.ts),
// and the text tower's special ids from config.json; the same every start, so verdicts keep.

interface TextConfig {
  bos_token_id?: unknown;
  eos_token_id?: unknown;
  vocab_size?: unknown;
}
interface ClipConfig {
  text_config?: TextConfig;
  vision_config?: { image_size?: unknown; num_channels?: unknown };
}

const positiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

export interface SpecialIds {
  bos: number;
  eos: number;
  vocabSize: number;
}

/**
 * bos/eos/vocab of the text tower. OpenAI's original configs say bos 0 / eos 2, which are not
 * the real ids (HF's CLIP then pools at argmax(ids) instead): there, as for a missing config,
 * the real ones are the last two of the vocabulary (49406, 49407 for CLIP's 49,408).
 */
export function specialIds(config: unknown): SpecialIds {
  const text = (config as ClipConfig | undefined)?.text_config ?? {};
  const vocabSize = positiveInt(text.vocab_size) ?? 49408;
  let bos = positiveInt(text.bos_token_id);
  let eos = positiveInt(text.eos_token_id);
  if (eos === undefined || eos === 2 || eos >= vocabSize) eos = vocabSize - 1;
  if (bos === undefined || bos === 0 || bos >= vocabSize) bos = vocabSize - 2;
  return { bos, eos, vocabSize };
}

export interface ProbeInputs {
  pixels: Float32Array;
  pixelDims: readonly [number, number, number, number];
  ids: BigInt64Array;
  idDims: readonly [number, number];
}

/**
 * One image and one short text. Pixels follow a smooth pattern plus deterministic noise in
 * CLIP's normalized range (about ±2), so every patch differs; the ids are bos, the byte tokens
 * of "Hello" (byte tokens exist in every CLIP vocabulary of 256 or more) and eos.
 */
export function probeInputs(config: unknown): ProbeInputs {
  const vision = (config as ClipConfig | undefined)?.vision_config ?? {};
  const size = positiveInt(vision.image_size) || 224;
  const channels = positiveInt(vision.num_channels) || 3;
  const pixels = new Float32Array(channels * size * size);
  let seed = 0x2545f491;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // an LCG: no Math.random, same on every start
        const noise = (seed / 2 ** 32 - 0.5) * 0.5;
        pixels[(c * size + y) * size + x] = 1.5 * Math.sin((x + 2 * y) / 17 + c) * Math.cos((x - y) / 29) + noise;
      }
    }
  }
  const { bos, eos, vocabSize } = specialIds(config);
  const cap = Math.min(vocabSize, 256);
  const body = [72, 101, 108, 108, 111].map((b) => b % cap);
  const ids = BigInt64Array.from([bos, ...body, eos], (v) => BigInt(v));
  return { pixels, pixelDims: [1, channels, size, size], ids, idDims: [1, ids.length] };
}

/**
 * config.json with what the probe input needs and some exports leave out (MobileCLIP's
 * `{"model_type": "clip"}`): the image side the preprocessor makes, CLIP's tokenizer's special
 * ids. What the config states wins.
 */
export function probeConfig(config: unknown, imageSide: number | undefined, ids: SpecialIds | undefined): unknown {
  const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  const vision = (c['vision_config'] ?? {}) as Record<string, unknown>;
  const text = (c['text_config'] ?? {}) as Record<string, unknown>;
  const stated = ids ? { bos_token_id: ids.bos, eos_token_id: ids.eos, vocab_size: ids.vocabSize } : {};
  return {
    ...c,
    vision_config: { ...(imageSide === undefined ? {} : { image_size: imageSide }), ...vision },
    text_config: { ...stated, ...text },
  };
}
