// What the engine reads from a model's JSON files: the files parsed (an HTML page is a wrong
// URL), the embedding width they state, and CLIP's temperature.
import { ClipError } from '../../shared/errors';

/** A model's JSON file; an HTML page where JSON was expected is a wrong URL, not a bad file. */
export function parseJsonFile(path: string, bytes: Uint8Array): unknown {
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

/**
 * The embedding size a config.json states: CLIP's projection_dim, SigLIP's text head width
 * (projection_size, else the text hidden_size, which the vision tower's pooling head matches);
 * undefined where the file does not say (MobileCLIP), for the graph to tell.
 */
export function statedDim(config: unknown): number | undefined {
  const c = isObject(config) ? config : {};
  const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  const text = isObject(c['text_config']) ? c['text_config'] : {};
  if (c['model_type'] === 'siglip') return int(text['projection_size']) ?? int(text['hidden_size']);
  return int(c['projection_dim']);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * CLIP's temperature. Hugging Face's config.json only records `logit_scale_init_value`
 * (ln(1/0.07): where training *started*); the trained value lives in the weights, which the
 * ONNX towers do not carry. Every OpenAI CLIP ends training at the clamp, ln(100), so 100 is
 * the right scale unless the config states a trained `logit_scale` (a log, as in the weights).
 */
export function readLogitScale(config: unknown): number {
  const trained = (config as { logit_scale?: unknown } | undefined)?.logit_scale;
  return typeof trained === 'number' && Number.isFinite(trained) ? Math.min(100, Math.exp(trained)) : 100;
}
