// How a family turns cosine similarities into label scores. CLIP (and MobileCLIP, and text towers
// distilled into CLIP's space) was trained with a softmax over the candidates: scores compete and
// sum to 1. SigLIP and SigLIP 2 were trained with a sigmoid per image-text pair, so each label gets
// its own probability, sigmoid(exp(logit_scale) * cos + logit_bias), independent of the others.
// The two trained numbers sit in the combined model's weights, not in the separate towers: they
// are read where the export states them (config.json), else from the table below, which names the
// source of each value; they are never guessed.
import { ClipError } from '../../shared/errors';
import type { ScoreRule, SigmoidConstants } from '../../shared/clip';
import { readLogitScale } from '../model/model-config';
import type { FamilyRules } from '../model/model-family';
import { dot, softmax } from '../vectors/similarity';
import { calibrate } from './tag-scores';

/** Trained SigLIP constants published for a checkpoint, keyed by every repository that holds it. */
export const SIGMOID_CONSTANTS: Readonly<Record<string, SigmoidConstants>> = (() => {
  const siglipBase224: SigmoidConstants = {
    logitScale: 4.765,
    logitBias: -12.932,
    source: 'google/siglip-base-patch16-224, as stated (3 decimals) by huggingface.co/Sentrix-Code/wakeup-siglip1-base-int8 (README, model_metadata.json)',
  };
  const siglip2Base224: SigmoidConstants = {
    logitScale: 4.724453449249268,
    logitBias: -16.771724700927734,
    source: 'google/siglip2-base-patch16-224, as stated by huggingface.co/SortaPhotos/siglip2-base-patch16-224-onnx (README)',
  };
  return {
    'google/siglip-base-patch16-224': siglipBase224,
    'Xenova/siglip-base-patch16-224': siglipBase224,
    'google/siglip2-base-patch16-224': siglip2Base224,
    'onnx-community/siglip2-base-patch16-224-ONNX': siglip2Base224,
  };
})();

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The sigmoid rule of a SigLIP model: config.json's `logit_scale` and `logit_bias` when it states
 * both, else the table entry for `modelId`, else `given` (the caller's own values, a log scale
 * and a bias); null when none of them knows, so that the caller can say so instead of scoring.
 */
export function sigmoidRule(config: unknown, modelId: string, given?: { logitScale: number; logitBias: number }): ScoreRule | null {
  const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  if (given) {
    if (!finite(given.logitScale) || !finite(given.logitBias)) {
      throw new ClipError('BAD_INPUT', 'logitScale and logitBias must be finite numbers');
    }
    return { kind: 'sigmoid', scale: Math.exp(given.logitScale), bias: given.logitBias, source: 'given by the caller' };
  }
  if (finite(c['logit_scale']) && finite(c['logit_bias'])) {
    return { kind: 'sigmoid', scale: Math.exp(c['logit_scale']), bias: c['logit_bias'], source: 'config.json' };
  }
  const known = SIGMOID_CONSTANTS[modelId];
  if (known) return { kind: 'sigmoid', scale: Math.exp(known.logitScale), bias: known.logitBias, source: known.source };
  return null;
}

/**
 * The rule of a model: CLIP's softmax at its temperature, else SigLIP's sigmoid where its
 * constants are known; null where they are not (the caller refuses to score).
 */
export function scoreRuleOf(rules: FamilyRules, config: unknown, modelId: string): ScoreRule | null {
  return rules.scoring === 'softmax' ? { kind: 'softmax', scale: readLogitScale(config) } : sigmoidRule(config, modelId);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Scores of one image against each label under the rule (`cosines[i]` = cos(image, label i)). */
export function labelScores(rule: ScoreRule, cosines: readonly number[]): number[] {
  if (rule.kind === 'softmax') return Array.from(softmax(cosines, rule.scale));
  return cosines.map((c) => sigmoid(rule.scale * c + rule.bias));
}

/** `image` and every label vector L2-normalized; best first. */
export function rankLabelsBy(
  rule: ScoreRule,
  image: Float32Array,
  labels: readonly string[],
  labelVectors: readonly Float32Array[],
): { label: string; score: number }[] {
  if (labels.length !== labelVectors.length) throw new ClipError('INTERNAL', 'one vector per label expected');
  const scores = labelScores(rule, labelVectors.map((v) => dot(image, v)));
  return labels.map((label, i) => ({ label, score: scores[i] as number })).sort((a, b) => b.score - a.score);
}

/**
 * A tag's score for a photo. SigLIP's sigmoid is already a calibrated probability of "this text
 * fits this photo"; CLIP's cosine is not, so CLIP's tag score is judged against the background
 * prompts' cosine `base` (tag-scores.ts).
 */
export function tagScore(rule: ScoreRule, cosine: number, base: number): number {
  return rule.kind === 'sigmoid' ? sigmoid(rule.scale * cosine + rule.bias) : calibrate(cosine, base, rule.scale);
}
