// Which family a model folder holds, decided from its files as their reference implementations
// read them -- config.json's model_type, tokenizer_config.json's tokenizer_class, tokenizer.json's
// model -- never from the repository's name; and the rules that follow from it.
import { ClipError } from './errors';

/**
 * - `clip`: Hugging Face's CLIPModel export (config.json describes CLIPTextModel: causal mask,
 *   pooling at the first end-of-text), so texts are padded only to the batch's longest.
 * - `mobileclip`: a `clip` model_type whose config.json does not describe its text tower (the
 *   MobileCLIP exports: `{"model_type": "clip"}`); its text encoder is not causal, so texts are
 *   padded to the tokenizer's trained length with its own pad token, as `padding: 'max_length'`.
 * - `siglip`, `siglip2`: model_type `siglip`; SigLIP 2's fixed-resolution checkpoints share it and
 *   are told apart by their Gemma tokenizer.
 */
export type ModelFamily = 'clip' | 'mobileclip' | 'siglip' | 'siglip2';

export interface FamilyRules {
  readonly family: ModelFamily;
  /** 'longest': rows padded to the batch's longest text; 'fixed': to the trained length. */
  readonly textPadding: 'longest' | 'fixed';
  /** How classify turns cosines into scores (score-rule.ts). */
  readonly scoring: 'softmax' | 'sigmoid';
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function familyOf(config: unknown, tokenizerConfig: unknown): FamilyRules {
  const c = isObject(config) ? config : {};
  const type = c['model_type'];
  const cls = isObject(tokenizerConfig) && typeof tokenizerConfig['tokenizer_class'] === 'string' ? tokenizerConfig['tokenizer_class'] : '';
  if (type === 'siglip') {
    return { family: cls.startsWith('Gemma') ? 'siglip2' : 'siglip', textPadding: 'fixed', scoring: 'sigmoid' };
  }
  if (type === 'clip') {
    const causalClipText = isObject(c['text_config']) || typeof c['projection_dim'] === 'number';
    return causalClipText
      ? { family: 'clip', textPadding: 'longest', scoring: 'softmax' }
      : { family: 'mobileclip', textPadding: 'fixed', scoring: 'softmax' };
  }
  throw new ClipError(
    'MODEL_INCOMPATIBLE',
    `config.json's model_type is ${JSON.stringify(type ?? null)}; webclip runs clip (CLIP, MobileCLIP) and siglip (SigLIP, SigLIP 2) models` +
      (type === 'distilbert' || type === 'bert' || type === 'xlm-roberta'
        ? ', and text towers like this one only paired with an image tower: {model: {vision, text}}'
        : ''),
  );
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
