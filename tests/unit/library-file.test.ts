// The library export format: a header that round-trips, and every way a file can be wrong
// caught as BAD_LIBRARY_FILE before anything is imported.
import { describe, expect, it } from 'vitest';
import {
  LIBRARY_FILE_HASH,
  LIBRARY_FILE_PREFIX,
  encodeLibraryHeader,
  parseLibraryHeader,
  parseLibraryPrefix,
  vectorByteLength,
  type LibraryFileHeader,
} from '../../src/core/library-file';
import { isClipError } from '../../src/core/errors';

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
    ['a', hash(1), 'q8', 0.01],
    ['b', hash(2), 'fp32', 0.02],
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
    const length = parseLibraryPrefix(bytes.subarray(0, LIBRARY_FILE_PREFIX), size);
    expect(length).toBe(bytes.length - LIBRARY_FILE_PREFIX);
    expect(parseLibraryHeader(bytes.subarray(LIBRARY_FILE_PREFIX), size)).toEqual(header);
    expect(vectorByteLength('float32', 512)).toBe(2048);
    expect(vectorByteLength('int8', 512)).toBe(512);
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
    new DataView(future.buffer).setUint32(8, 2, true);
    expect(code(() => parseLibraryPrefix(future, size))).toBe('BAD_LIBRARY_FILE');
    expect(code(() => parseLibraryHeader(new TextEncoder().encode('{not json'), size))).toBe('BAD_LIBRARY_FILE');
  });

  it('rejects malformed headers field by field', () => {
    const bad = (patch: Partial<Record<keyof LibraryFileHeader, unknown>>) => {
      const h = { ...header, ...patch } as LibraryFileHeader;
      const json = new TextEncoder().encode(JSON.stringify(h));
      return code(() => parseLibraryHeader(json, LIBRARY_FILE_PREFIX + json.length + (h.entries?.length ?? 0) * 4 + LIBRARY_FILE_HASH));
    };
    expect(bad({})).toBeUndefined();
    expect(bad({ name: '' })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ dim: 0 })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ dim: 2.5 })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ storage: 'float16' })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ model: 3 })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: 'x' })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['a', 'not-a-hash', 'q8', 0.1]] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['a', hash(1), 'q8', null]] })).toBe('BAD_LIBRARY_FILE'); // int8 needs a scale
    expect(bad({ entries: [['a', hash(1), 'q8', -1]] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['', hash(1), 'q8', 0.1]] })).toBe('BAD_LIBRARY_FILE');
    expect(bad({ entries: [['a', hash(1), 'q8', 0.1], ['a', hash(2), 'q8', 0.1]] })).toBe('BAD_LIBRARY_FILE');
  });
});
