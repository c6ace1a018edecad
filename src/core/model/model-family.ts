// Which family a model folder holds, decided from its files as their reference implementations
// read them -- config.json's model_type, tokenizer_config.json's tokenizer_class, tokenizer.json's
// model -- never from the repository's name; and the rules that follow from it.
import { ClipError } from '../../shared/errors';
import type { ModelFamily } from '../../shared/models';

export interface FamilyRules {
  readonly family: ModelFamily;
  /** 'longest': rows padded to the batch's longest text; 'fixed': to the trained length. */
  readonly textPadding: 'longest' | 'fixed';
  /** How classify turns cosines into scores (core/tags/score-rule.ts). */
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
