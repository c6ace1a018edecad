// The SigLIP, SigLIP 2 and WordPiece tokenizers (src/core/text/family-tokenizer.ts) against the reference
// ids scripts/fixtures/export_families.py wrote: Debian's python3-sentencepiece running
// transformers' SiglipTokenizer recipe and SigLIP 2's Gemma recipe, and a re-statement of the Rust
// BertNormalizer/BertPreTokenizer/WordPiece pipeline, on the tricky strings of family_corpus.py.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isClipError } from '../../../src/shared/errors';
import { FamilyTokenizer } from '../../../src/core/text/family-tokenizer';
import { huggingFaceTokenizer } from '../../../src/runtime/engine/huggingface-tokenizer';

const fixture = (name: string, file: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/${name}/${file}`, import.meta.url)), 'utf8'));

interface Reference {
  pad_token_id: number;
  texts: { text: string; input_ids: number[] }[];
  tokenizer: { text: string; content_ids: number[]; input_ids: number[] }[];
}

function load(name: string, maxLength?: number): { tok: FamilyTokenizer; ref: Reference } {
  const tok = FamilyTokenizer.fromJSON(fixture(name, 'tokenizer.json'), fixture(name, 'tokenizer_config.json'), huggingFaceTokenizer, { maxLength });
  return { tok, ref: fixture(name, 'reference.json') as Reference };
}

const rows = (ids: BigInt64Array, width: number): number[][] =>
  Array.from({ length: ids.length / width }, (_, r) => Array.from(ids.subarray(r * width, (r + 1) * width), Number));

describe.each([
  ['tiny-siglip', 'siglip', 1],
  ['tiny-siglip2', 'siglip2', 0],
] as const)('%s', (name, recipe, pad) => {
  const { tok, ref } = load(name);

  it(`is the ${recipe} recipe, 64 ids a row, padded with id ${pad}`, () => {
    expect(tok.recipe).toBe(recipe);
    expect(tok.contextLength).toBe(64);
    expect(tok.fixedLength).toBe(true);
    expect(tok.padId).toBe(pad);
    expect(ref.pad_token_id).toBe(pad);
  });

  it.each(ref.tokenizer.map((c) => [JSON.stringify(c.text).slice(0, 50), c] as const))('tokenizes %s as the reference', (_, c) => {
    expect(tok.contentIds(c.text)).toEqual(c.content_ids);
  });

  it('gives the reference input_ids for every string, one batch, truncated ones flagged', () => {
    const texts = ref.tokenizer.map((c) => c.text);
    const enc = tok.encodeBatchWithInfo(texts);
    expect(enc.width).toBe(64);
    expect(enc.attentionMask).toBeNull();
    expect(rows(enc.ids, 64)).toEqual(ref.tokenizer.map((c) => c.input_ids));
    expect(enc.truncated).toEqual(ref.tokenizer.map((c) => c.content_ids.length > 63));
    expect(enc.truncated.some(Boolean)).toBe(true);
  });

  it('gives the input_ids the PyTorch reference embeddings were computed from', () => {
    const enc = tok.encodeBatchWithInfo(ref.texts.map((t) => t.text));
    expect(rows(enc.ids, 64)).toEqual(ref.texts.map((t) => t.input_ids));
  });
});

describe('tiny-multilingual (WordPiece)', () => {
  const { tok, ref } = load('tiny-multilingual', 128);

  it('is the wordpiece recipe: [CLS] … [SEP], at most 128 ids, padded to the longest row with a mask', () => {
    expect(tok.recipe).toBe('wordpiece');
    expect(tok.contextLength).toBe(128);
    expect(tok.fixedLength).toBe(false);
    const enc = tok.encodeBatchWithInfo(['a photo of a cat', 'ein Foto']);
    const [a, b] = rows(enc.ids, enc.width);
    const [ma, mb] = rows(enc.attentionMask as BigInt64Array, enc.width);
    expect(a?.[0]).toBe(tok.startId);
    expect(enc.width).toBe(enc.lengths[0]);
    expect(b?.slice(enc.lengths[1])).toEqual(new Array(enc.width - (enc.lengths[1] as number)).fill(ref.pad_token_id));
    expect(ma).toEqual(new Array(enc.width).fill(1));
    expect(mb).toEqual([...new Array(enc.lengths[1]).fill(1), ...new Array(enc.width - (enc.lengths[1] as number)).fill(0)]);
  });

  it.each(ref.tokenizer.map((c) => [JSON.stringify(c.text).slice(0, 50), c] as const))('tokenizes %s as the reference', (_, c) => {
    expect(tok.contentIds(c.text)).toEqual(c.content_ids);
    const enc = tok.encodeBatchWithInfo([c.text]);
    expect(rows(enc.ids, enc.width)[0]).toEqual(c.input_ids);
  });
});

describe('bad input', () => {
  it('refuses a tokenizer no family uses, naming it (BAD_CONFIG)', () => {
    const json = { model: { type: 'WordLevel', vocab: {} } };
    expect(() => FamilyTokenizer.fromJSON(json, {}, huggingFaceTokenizer)).toThrowError(/WordLevel/);
    try {
      FamilyTokenizer.fromJSON(json, {}, huggingFaceTokenizer);
    } catch (e) {
      expect(isClipError(e, 'BAD_CONFIG')).toBe(true);
    }
  });

  it('refuses a SigLIP tokenizer.json without its SentencePiece charsmap (BAD_CONFIG)', () => {
    const json = fixture('tiny-siglip', 'tokenizer.json') as Record<string, unknown>;
    expect(() => FamilyTokenizer.fromJSON({ ...json, normalizer: null }, fixture('tiny-siglip', 'tokenizer_config.json'), huggingFaceTokenizer))
      .toThrowError(expect.objectContaining({ code: 'BAD_CONFIG' }) as Error);
  });

  it('refuses a pad token outside the vocabulary (BAD_CONFIG) and a text that is not a string (BAD_INPUT)', () => {
    const cfg = fixture('tiny-siglip2', 'tokenizer_config.json') as Record<string, unknown>;
    expect(() => FamilyTokenizer.fromJSON(fixture('tiny-siglip2', 'tokenizer.json'), { ...cfg, pad_token: '<nope>' }, huggingFaceTokenizer))
      .toThrowError(expect.objectContaining({ code: 'BAD_CONFIG' }) as Error);
    const { tok } = load('tiny-siglip2');
    expect(() => tok.encodeBatchWithInfo([42 as unknown as string])).toThrowError(expect.objectContaining({ code: 'BAD_INPUT' }) as Error);
  });
});
