// Feeding a tower's graph what it asks for (src/core/model/graph-io.ts), the probe input and special
// ids (src/core/model/webgpu-probe-input.ts), and the verdict cache key (src/runtime/backend/webgpu-probe-verdicts.ts).
import { describe, expect, it } from 'vitest';
import { ClipError } from '../../../src/shared/errors';
import { attentionMask, embeddingWidth, planFeeds, positionIds, type GraphSignature } from '../../../src/core/model/graph-io';
import { probeInputs, specialIds } from '../../../src/core/model/webgpu-probe-input';
import { verdictKey } from '../../../src/runtime/backend/webgpu-probe-verdicts';
import tinyConfig from '../../fixtures/tiny-clip/config.json';

const graph = (inputs: string[], outputs: (string | [string, number])[]): GraphSignature => ({
  inputs: inputs.map((name) => ({ name })),
  outputs: outputs.map((o) => (typeof o === 'string' ? { name: o } : { name: o[0], shape: Array.from({ length: o[1] }, (_, i) => `d${i}`) })),
});

const incompatible = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClipError);
    expect((error as ClipError).code).toBe('MODEL_INCOMPATIBLE');
    return (error as ClipError).message;
  }
  throw new Error('did not throw');
};

describe('planFeeds', () => {
  it('the HF/Xenova layout: pixel_values → image_embeds, input_ids → text_embeds', () => {
    expect(planFeeds('vision', graph(['pixel_values'], ['image_embeds', 'last_hidden_state']))).toEqual({
      tower: 'vision',
      input: 'pixel_values',
      derived: [],
      output: 'image_embeds',
      hiddenStates: false,
    });
    expect(planFeeds('text', graph(['input_ids'], ['text_embeds', 'last_hidden_state'])).output).toBe('text_embeds');
  });

  it('text graphs that also take attention_mask or position_ids get them built', () => {
    const plan = planFeeds('text', graph(['input_ids', 'attention_mask', 'position_ids'], ['text_embeds']));
    expect(plan.derived).toEqual([
      { name: 'attention_mask', kind: 'attention_mask' },
      { name: 'position_ids', kind: 'position_ids' },
    ]);
  });

  it('SigLIP\'s towers: pooler_output beside last_hidden_state', () => {
    const plan = planFeeds('vision', graph(['pixel_values'], [['last_hidden_state', 3], ['pooler_output', 2]]));
    expect(plan).toMatchObject({ output: 'pooler_output', hiddenStates: false });
    expect(planFeeds('text', graph(['input_ids'], ['last_hidden_state', 'pooler_output'])).output).toBe('pooler_output');
  });

  it('a sentence-transformers text graph: last_hidden_state alone, pooled after the graph', () => {
    const plan = planFeeds('text', graph(['input_ids', 'attention_mask'], [['last_hidden_state', 3]]));
    expect(plan).toMatchObject({ output: 'last_hidden_state', hiddenStates: true });
    expect(plan.derived).toEqual([{ name: 'attention_mask', kind: 'attention_mask' }]);
    // an image graph that gives only hidden states has no embedding
    expect(incompatible(() => planFeeds('vision', graph(['pixel_values'], [['last_hidden_state', 3]])))).toContain('rank 3');
  });

  it('another output name: the only output, else the only [n, D] one', () => {
    expect(planFeeds('vision', graph(['pixel_values'], ['embeddings'])).output).toBe('embeddings');
    expect(planFeeds('text', graph(['input_ids'], [['last_hidden_state', 3], ['pooled', 2]])).output).toBe('pooled');
  });

  it('names what is missing and what the graph has', () => {
    const message = incompatible(() => planFeeds('vision', graph(['image'], ['image_embeds'])));
    expect(message).toContain("no input 'pixel_values'");
    expect(message).toContain('inputs [image] and outputs [image_embeds]');
    expect(incompatible(() => planFeeds('vision', graph(['pixel_values', 'attention_mask'], ['image_embeds'])))).toContain(
      'cannot provide: attention_mask',
    );
    expect(incompatible(() => planFeeds('text', graph(['input_ids', 'token_type_ids'], ['text_embeds'])))).toContain('token_type_ids');
    expect(incompatible(() => planFeeds('text', graph(['input_ids'], [['a', 2], ['b', 2]])))).toContain("no 'text_embeds' output");
    expect(incompatible(() => planFeeds('vision', graph(['pixel_values'], [['last_hidden_state', 3]])))).toContain('rank 3');
  });
});

describe('attention mask and position ids', () => {
  it('1 up to and including the first eos, 0 after; a row without eos is all ones', () => {
    const eos = 9n;
    const ids = BigInt64Array.from([1, 5, 9, 9, 9, 1, 9, 9, 9, 9, 1, 4, 4, 4, 4], BigInt);
    expect(Array.from(attentionMask(ids, 3, eos), Number)).toEqual([1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('position ids count 0..L-1 in every row', () => {
    expect(Array.from(positionIds(2, 3), Number)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('embedding outputs must be [n, D]', () => {
    expect(embeddingWidth('text', 'text_embeds', [2, 32], 2)).toBe(32);
    expect(() => embeddingWidth('text', 'text_embeds', [2, 7, 32], 2)).toThrow(/\[2, 7, 32\]; expected \[2, D\]/);
    expect(() => embeddingWidth('vision', 'x', [1, 32], 2)).toThrow(ClipError);
  });
});

describe('probe input', () => {
  it("uses the model's bos/eos, byte-token ids under min(vocab, 256), and its image size", () => {
    const probe = probeInputs(tinyConfig);
    expect(probe.pixelDims).toEqual([1, 3, 224, 224]);
    expect(probe.pixels).toHaveLength(3 * 224 * 224);
    expect(Array.from(probe.ids, Number)).toEqual([1512, 72, 101, 108, 108, 111, 1513]);
    expect(probe.idDims).toEqual([1, 7]);
    const values = Array.from(probe.pixels);
    expect(values.reduce((a, b) => Math.max(a, b))).toBeLessThan(2.5);
    expect(values.reduce((a, b) => Math.min(a, b))).toBeGreaterThan(-2.5);
    expect(new Set(values).size).toBeGreaterThan(100_000);
  });

  it('is the same on every call', () => {
    expect(probeInputs(tinyConfig).pixels).toEqual(probeInputs(tinyConfig).pixels);
  });

  it("OpenAI's configs (bos 0, eos 2) and missing ones get CLIP's real ids, the last two of the vocabulary", () => {
    const openai = { text_config: { bos_token_id: 0, eos_token_id: 2, vocab_size: 49408 } };
    expect(specialIds(openai)).toEqual({ bos: 49406, eos: 49407, vocabSize: 49408 });
    expect(specialIds({})).toEqual({ bos: 49406, eos: 49407, vocabSize: 49408 });
    expect(specialIds({ text_config: { bos_token_id: 49406, eos_token_id: 49407, vocab_size: 49408 } }).eos).toBe(49407);
    const tiny = probeInputs({ text_config: { bos_token_id: 10, eos_token_id: 11, vocab_size: 12 }, vision_config: { image_size: 32 } });
    expect(Array.from(tiny.ids, Number)).toEqual([10, 0, 5, 0, 0, 3, 11]);
    expect(tiny.pixelDims).toEqual([1, 3, 32, 32]);
  });
});

describe('verdict key', () => {
  it('names the adapter, the model, the dtype and the ORT version', () => {
    const adapter = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true, shaderF16: false };
    const key = verdictKey({ adapter, modelId: 'http://localhost/models/test/', dtype: 'q4', ortVersion: '1.30.0' });
    expect(JSON.parse(key)).toEqual(['google', 'swiftshader', '', '', 'http://localhost/models/test/', 'q4', '1.30.0']);
    expect(verdictKey({ adapter, modelId: 'http://localhost/models/test/', dtype: 'fp32', ortVersion: '1.30.0' })).not.toBe(key);
  });
});
