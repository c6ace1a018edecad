// The text tower's input rows: ids written into int64 rows, and a CLIP batch padded only to its
// longest text, not to 77. Under CLIP's causal mask, with pooling at the first <|endoftext|>,
// padding never reaches the pooled token, and short captions run several times faster.

export interface TextRows {
  /** Row-major int64 ids, [rows, width]. */
  ids: BigInt64Array;
  dims: [number, number];
}

/**
 * `ids` holds `lengths.length` rows of `width` ids each (as the tokenizer pads them); returns
 * the same rows cut to the longest row's length.
 */
export function trimToLongest(ids: BigInt64Array, lengths: readonly number[], width: number): TextRows {
  const rows = lengths.length;
  const longest = Math.max(...lengths);
  if (longest >= width) return { ids, dims: [rows, width] };
  const packed = new BigInt64Array(rows * longest);
  for (let r = 0; r < rows; r++) packed.set(ids.subarray(r * width, r * width + longest), r * longest);
  return { ids: packed, dims: [rows, longest] };
}

// int64 without a BigInt per element: ids are small and non-negative, so writing the low 32-bit
// half of each zeroed element (through an Int32Array over the same buffer) is enough.
const LOW_HALF = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/** Writes `row` then `pad` up to `length` ids at int64 element `offset` of the zeroed buffer
 *  `halves` (an Int32Array view of a BigInt64Array). */
export function writeIdRow(halves: Int32Array, offset: number, row: number[], length: number, pad: number): void {
  const base = 2 * offset + LOW_HALF;
  for (let k = 0; k < length; k++) halves[base + 2 * k] = k < row.length ? (row[k] as number) : pad;
}
