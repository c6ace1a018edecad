// Top-k over a score array, best first, ties to the lower row: one pass with a bounded min-heap,
// so a million scores cost mostly compares.
export interface TopK {
  /** Row indices, best first. */
  readonly indices: Uint32Array;
  /** Their scores, in the same order. */
  readonly scores: Float32Array;
}

/**
 * The `k` highest scores of `scores` (all of them when k > length), best first; equal scores
 * go to the lower index. NaN never wins, so callers can blank rows out with NaN.
 */
export function topK(scores: Float32Array, k: number): TopK {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
  const size = Math.min(k, scores.length);
  // Root = the worst kept entry: the lowest score, or on equal scores the highest index.
  const heapScore = new Float32Array(size);
  const heapIndex = new Uint32Array(size);
  let count = 0;
  let i = 0;
  // Fill: the first `size` scores that are not NaN.
  for (; i < scores.length && count < size; i++) {
    const s = scores[i]!;
    if (s !== s) continue;
    let c = count++;
    // Sift up. Scanning in index order, a newcomer is worse than an equal-scored holder.
    while (c > 0) {
      const parent = (c - 1) >> 1;
      if (heapScore[parent]! < s) break;
      heapScore[c] = heapScore[parent]!;
      heapIndex[c] = heapIndex[parent]!;
      c = parent;
    }
    heapScore[c] = s;
    heapIndex[c] = i;
  }
  // Scan: only a strictly higher score beats the root (an equal one has a higher index; NaN
  // compares false).
  if (count === size && size > 0) {
    let threshold = heapScore[0]!;
    for (; i < scores.length; i++) {
      const s = scores[i]!;
      if (!(s > threshold)) continue;
      siftDownFromRoot(heapScore, heapIndex, size, s, i);
      threshold = heapScore[0]!;
    }
  }
  // Best first: higher score, then lower index.
  const order = Array.from({ length: count }, (_, j) => j).sort(
    (a, b) => heapScore[b]! - heapScore[a]! || heapIndex[a]! - heapIndex[b]!,
  );
  const indices = new Uint32Array(count);
  const out = new Float32Array(count);
  order.forEach((j, rank) => {
    indices[rank] = heapIndex[j]!;
    out[rank] = heapScore[j]!;
  });
  return { indices, scores: out };
}

/** Replaces the root with (score, index) and restores the heap. */
function siftDownFromRoot(heapScore: Float32Array, heapIndex: Uint32Array, size: number, score: number, index: number): void {
  let c = 0;
  for (;;) {
    const left = 2 * c + 1;
    if (left >= size) break;
    let child = left;
    const right = left + 1;
    if (right < size && worse(heapScore[right]!, heapIndex[right]!, heapScore[left]!, heapIndex[left]!)) child = right;
    if (!worse(heapScore[child]!, heapIndex[child]!, score, index)) break;
    heapScore[c] = heapScore[child]!;
    heapIndex[c] = heapIndex[child]!;
    c = child;
  }
  heapScore[c] = score;
  heapIndex[c] = index;
}

/** Whether entry a ranks below entry b. */
function worse(scoreA: number, indexA: number, scoreB: number, indexB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && indexA > indexB);
}
