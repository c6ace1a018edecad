// Per-family scoring (src/core/tags/score-rule.ts): CLIP's softmax, SigLIP's independent sigmoids with
// the trained constants read from config.json or the sourced table, and tag scores.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ScoreRule } from '../../../src/shared/clip';
import { labelScores, rankLabelsBy, SIGMOID_CONSTANTS, sigmoidRule, tagScore } from '../../../src/core/tags/score-rule';
import { calibrate } from '../../../src/core/tags/tag-scores';

const fixture = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/tiny-siglip/${file}`, import.meta.url)), 'utf8')) as Record<string, unknown>;

interface SiglipReference {
  logit_scale: number;
  logit_bias: number;
  texts: { text_embeds: { fp32: number[] } }[];
  images: { image_embeds: { fp32: number[] } }[];
  probabilities: number[][];
}

const unit = (v: readonly number[]): Float32Array => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};

describe('SigLIP sigmoid rule', () => {
  const config = fixture('config.json');
  const ref = fixture('reference.json') as unknown as SiglipReference;

  it('reads logit_scale and logit_bias from config.json and reproduces the PyTorch probabilities', () => {
    const rule = sigmoidRule(config, 'anything') as ScoreRule & { kind: 'sigmoid' };
    expect(rule).toMatchObject({ kind: 'sigmoid', source: 'config.json', bias: ref.logit_bias });
    expect(rule.scale).toBeCloseTo(Math.exp(ref.logit_scale), 10);
    const labels = ref.texts.map((_, i) => `t${i}`);
    const vectors = ref.texts.map((t) => unit(t.text_embeds.fp32));
    ref.images.forEach((image, i) => {
      const ranked = rankLabelsBy(rule, unit(image.image_embeds.fp32), labels, vectors);
      const byLabel = new Map(ranked.map((r) => [r.label, r.score]));
      labels.forEach((l, j) => expect(byLabel.get(l)).toBeCloseTo(ref.probabilities[i]![j]!, 5));
    });
  });

  it('scores each label on its own: adding a label changes no other score, and they need not sum to 1', () => {
    const rule = sigmoidRule(config, '') as ScoreRule;
    const some = labelScores(rule, [0.1, 0.05]);
    const more = labelScores(rule, [0.1, 0.05, 0.12]);
    expect(more.slice(0, 2)).toEqual(some);
    expect(Math.abs(more.reduce((a, b) => a + b) - 1)).toBeGreaterThan(0.01);
  });

  it('takes the sourced table entry for a known checkpoint when config.json states nothing', () => {
    const rule = sigmoidRule({ model_type: 'siglip' }, 'Xenova/siglip-base-patch16-224') as ScoreRule & { kind: 'sigmoid' };
    const entry = SIGMOID_CONSTANTS['Xenova/siglip-base-patch16-224']!;
    expect(rule.scale).toBeCloseTo(Math.exp(entry.logitScale), 10);
    expect(rule.bias).toBe(entry.logitBias);
    expect(rule.source).toMatch(/huggingface\.co\//);
    for (const e of Object.values(SIGMOID_CONSTANTS)) expect(e.source).toMatch(/huggingface\.co\//);
  });

  it('knows nothing of an unknown checkpoint (null, never a guess), and takes the caller\'s values', () => {
    expect(sigmoidRule({ model_type: 'siglip' }, 'https://example.test/my-siglip/')).toBeNull();
    const given = sigmoidRule({}, 'x', { logitScale: Math.log(10), logitBias: -10 }) as ScoreRule & { kind: 'sigmoid' };
    expect(given.scale).toBeCloseTo(10, 10);
    expect(given.source).toBe('given by the caller');
    expect(() => sigmoidRule({}, 'x', { logitScale: Number.NaN, logitBias: 0 })).toThrowError(expect.objectContaining({ code: 'BAD_INPUT' }) as Error);
  });
});

describe('CLIP softmax rule', () => {
  const rule: ScoreRule = { kind: 'softmax', scale: 100 };
  it('makes the labels compete: scores sum to 1 and adding a label lowers the others', () => {
    const two = labelScores(rule, [0.3, 0.28]);
    const three = labelScores(rule, [0.3, 0.28, 0.29]);
    expect(two.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(three[0]!).toBeLessThan(two[0]!);
  });

  it('keeps the background calibration for tags; SigLIP tags are the sigmoid itself', () => {
    expect(tagScore(rule, 0.3, 0.25)).toBe(calibrate(0.3, 0.25, 100));
    const sig: ScoreRule = { kind: 'sigmoid', scale: 117, bias: -12.9, source: 't' };
    expect(tagScore(sig, 0.12, 0.5)).toBe(tagScore(sig, 0.12, -0.5));
    expect(tagScore(sig, 0.12, 0)).toBeCloseTo(1 / (1 + Math.exp(-(117 * 0.12 - 12.9))), 12);
  });
});
