// The library export format: a header that round-trips, and every way a file can be wrong
// caught as BAD_LIBRARY_FILE before anything is imported.
import { describe, expect, it } from 'vitest';
import {
  LIBRARY_FILE_HASH,
  LIBRARY_FILE_PREFIX,
  LIBRARY_FILE_VERSION,
  encodeLibraryHeader,
  parseLibraryHeader,
  parseLibraryPrefix,
  vectorByteLength,
  type LibraryFileHeader,
} from '../../../src/core/vectors/library-file';
import { isClipError } from '../../../src/shared/errors';

const hash = (n: number) => n.toString(16).padStart(64, '0');
const header: LibraryFileHeader = {
  name: 'holiday',
  model: 'Xenova/clip-vit-base-patch32',
  prep: 'pil-bicubic-1',
  dim: 4,
  storage: 'int8',
  createdAt: 1,
  exportedAt: 2,
  entries: [
    ['a', hash(1), 'q8', 0.01, 0.001],
    ['b', hash(2), 'fp32', 0.02, null], // stored before residuals were kept
  ],
};

/** A file's size for this header: prefix + header + vectors + hash. */
function sizeOf(h: LibraryFileHeader): { bytes: Uint8Array; size: number } {
  const bytes = encodeLibraryHeader(h);
  return { bytes, size: bytes.length + h.entries.length * vectorByteLength(h.storage, h.dim) + LIBRARY_FILE_HASH };
}

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (error) {
    return isClipError(error) ? error.code : String(error);
  }
}

describe('library file', () => {
  it('round-trips its header and knows its size', () => {
    const { bytes, size } = sizeOf(header);
    const prefix = parseLibraryPrefix(bytes.subarray(0, LIBRARY_FILE_PREFIX), size);
    expect(prefix).toEqual({ version: LIBRARY_FILE_VERSION, headerLength: bytes.length - LIBRARY_FILE_PREFIX });
    expect(parseLibraryHeader(bytes.subarray(LIBRARY_FILE_PREFIX), size)).toEqual(header);
    expect(vectorByteLength('float32', 512)).toBe(2048);
    // int8: the codes, then the 4-bit residual (version 2); version 1 had the codes alone.
    expect(vectorByteLength('int8', 512)).toBe(768);
    expect(vectorByteLength('int8', 5)).toBe(8);
    expect(vectorByteLength('int8', 512, 1)).toBe(512);
  });

  it('still reads version 1 files (int8 without residuals), and only those entries there', () => {
    const v1: LibraryFileHeader = { ...header, entries: [['a', hash(1), 'q8', 0.01]] };
    const bytes = encodeLibraryHeader(v1);
    new DataView(bytes.buffer).setUint32(8, 1, true);
    const size = bytes.length + vectorByteLength('int8', 4, 1) + LIBRARY_FILE_HASH;
    expect(parseLibraryPrefix(bytes.subarray(0, LIBRARY_FILE_PREFIX), size).version).toBe(1);
    expect(parseLibraryHeader(bytes.subarray(LIBRARY_FILE_PREFIX), size, 1)).toEqual(v1);
    const withResidual = encodeLibraryHeader(header).subarray(LIBRARY_FILE_PREFIX);
    expect(code(() => parseLibraryHeader(withResidual, LIBRARY_FILE_PREFIX + withResidual.length + 8 + LIBRARY_FILE_HASH, 1))).toBe('BAD_LIBRARY_FILE');
  });

  it('rejects a file that is short, long, or not an export', () => {
    const { bytes, size } = sizeOf(header);
    const json = bytes.subarray(LIBRARY_FILE_PREFIX);
    expect(code(() => parseLibraryHeader(json, size - 1))).toBe('BAD_LIBRARY_FILE');
    expect(code(() => parseLibraryHeader(json, size + 1))).toBe('BAD_LIBRARY_FILE');
    expect(code(() => parseLibraryPrefix(bytes.subarray(0, 10), 10))).toBe('BAD_LIBRARY_FILE');
    expect(code(() => parseLibraryPrefix(new TextEncoder().encode('GIF89a..........'), 100))).toBe('BAD_LIBRARY_FILE');
    // A header length past the end of the file.
    expect(code(() => parseLibraryPrefix(bytes.subarray(0, LIBRARY_FILE_PREFIX), LIBRARY_FILE_PREFIX + 3))).toBe('BAD_LIBRARY_FILE');
    const future = bytes.slice(0, LIBRARY_FILE_PREFIX);
    new DataView(future.buffer).setUint32(8, LIBRARY_FILE_VERSION + 1, true);
    expect(code(() => parseLibraryPrefix(future, size))).toBe('BAD_LIBRARY_FILE');
    expect(code(() => parseLibraryHeader(new TextEncoder().encode('{not json'), size))).toBe('BAD_LIBRARY_FILE');
  });

  it('rejects malformed headers field by field', () => {
    const bad = (patch: Partial<Record<keyof LibraryFileHeader, unknown>>) => {
      const h = { ...header, ...patch } as LibraryFileHeader;
      const json = new TextEncoder().encode(JSON.stringify(h));
      const each = vectorByteLength(h.storage === 'float32' ? 'float32' : 'int8', 4);
      return code(() => parseLibraryHeader(json, LIBRARY_FILE_PREFIX + json.length + (h.entries?.length ?? 0) * each + LIBRARY_FILE_HASH));
    };
    expect(bad({})).toBeUndefined();
    expect(bad({ name: '' })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ dim: 0 })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ dim: 2.5 })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ storage: 'float16' })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ model: 3 })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: 'x' })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['a', 'not-a-hash', 'q8', 0.1, null]] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['a', hash(1), 'q8', null, null]] })).toBe('BAD_LIBRARY_FILE'); // int8 needs a scale
    expect(bad({ entries: [['a', hash(1), 'q8', -1, null]] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['', hash(1), 'q8', 0.1, null]] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['a', hash(1), 'q8', 0.1, null], ['a', hash(2), 'q8', 0.1, null]] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['a', hash(1), 'q8', 0.1]] })).toBe('BAD_LIBRARY_FILE'); // version 2: residual scale or null
    expect(bad({ entries: [['a', hash(1), 'q8', 0.1, -0.001]] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['a', hash(1), 'q8', 0.1, 'x']] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ storage: 'float32', entries: [['a', hash(1), 'q8', null, null]] })).toBeUndefined();
    expect(bad({ storage: 'float32', entries: [['a', hash(1), 'q8', null, 0.1]] })).toBe('BAD_LIBRARY_FILE'); // float32 has no residual
  });
});
