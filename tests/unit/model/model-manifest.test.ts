import { describe, expect, it } from 'vitest';
import { chunkCheck, chunkCount, chunkMatches, chunkSize, manifestBytes, parseManifest, type ModelManifest } from '../../../src/core/model/model-manifest';
import { sha256Hex } from '../../../src/core/model/sha256';

const hash = (c: string) => c.repeat(64);
const good: ModelManifest = {
  version: 1,
  id: 'Xenova/clip-vit-base-patch32',
  source: 'http://127.0.0.1:5175/m/test/',
  files: {
    'config.json': { size: 10, chunkBytes: 4, sha256: hash('a'), chunks: [hash('1'), hash('2'), hash('3')] },
    'empty.json': { size: 0, chunkBytes: 4, sha256: hash('b'), chunks: [hash('4')] },
    // What the store writes now: XXH32 chunk checks (8 hex digits).
    'new.json': { size: 5, chunkBytes: 4, sha256: hash('c'), chunks: ['0123abcd', '89abcdef'] },
  },
  absent: ['tokenizer_config.json'],
  updatedAt: 5,
};

describe('model manifest', () => {
  it('cuts files into chunks, the last one shorter, an empty file into one empty chunk', () => {
    expect(chunkCount(10, 4)).toBe(3);
    expect([0, 1, 2].map((i) => chunkSize(10, 4, i))).toEqual([4, 4, 2]);
    expect(chunkCount(8, 4)).toBe(2);
    expect(chunkCount(0, 4)).toBe(1);
    expect(chunkSize(0, 4, 0)).toBe(0);
  });

  it('accepts a well-formed manifest and sums its bytes', () => {
    expect(parseManifest(structuredClone(good))).toEqual(good);
    expect(manifestBytes(good)).toBe(15);
  });

  it('treats anything malformed as no manifest: the model is then absent, never half-trusted', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'x',
      { ...good, version: 2 },
      { ...good, files: { 'a.onnx': { ...good.files['config.json']!, chunks: [hash('1')] } } }, // too few chunk hashes
      { ...good, files: { 'a.onnx': { ...good.files['config.json']!, sha256: 'ABC' } } },
      { ...good, files: { 'a.onnx': { ...good.files['config.json']!, chunks: ['0123abc', hash('2'), hash('3')] } } }, // 7 digits
      { ...good, files: { 'a.onnx': { ...good.files['config.json']!, sha256: '0123abcd' } } }, // a file's hash is SHA-256
      { ...good, files: { 'a.onnx': { ...good.files['config.json']!, size: -1 } } },
      { ...good, files: { 'a.onnx': { ...good.files['config.json']!, chunkBytes: 0 } } },
      { ...good, absent: [3] },
      { ...good, id: 7 },
    ];
    for (const value of bad) expect(parseManifest(value), JSON.stringify(value)?.slice(0, 80)).toBeNull();
  });

  it('checks a chunk by XXH32 (what the store writes) or by SHA-256 (caches written before)', () => {
    const bytes = new TextEncoder().encode('Nobody inspects the spammish repetition');
    expect(chunkCheck(bytes)).toBe('e2293b2f');
    expect(chunkMatches(bytes, 'e2293b2f')).toBe(true);
    expect(chunkMatches(bytes, sha256Hex(bytes))).toBe(true);
    const damaged = bytes.slice();
    damaged[3] = damaged[3]! ^ 0x10;
    expect(chunkMatches(damaged, 'e2293b2f')).toBe(false);
    expect(chunkMatches(damaged, sha256Hex(bytes))).toBe(false);
    expect(chunkCheck(new Uint8Array(0))).toBe('02cc5d05'); // zero-padded to 8 digits
  });
});
