// The text tower's input rows: a batch is padded only to its longest text, not to 77. Under
// CLIP's causal mask, with pooling at the first <|endoftext|>, padding never reaches the pooled
// token, and short captions run several times faster than at full length.

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
