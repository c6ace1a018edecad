// Byte-level BPE as OpenAI's simple_tokenizer does it, on integer ids; long words merge through a
// heap in the reference's order (docs/internals.md#the-clip-tokenizer).

/** Merge table over vocabulary ids. */
export interface BpeMerges {
  /** (left id * idBase + right id) → rank. */
  readonly ranks: ReadonlyMap<number, number>;
  /** rank → id of the merged token. */
  readonly mergedId: Int32Array;
  /** Larger than every id, so that a pair of ids packs into one number key. */
  readonly idBase: number;
}

const HEAP_THRESHOLD = 48; // symbols; below it the reference loop is faster than a heap

/** Merges `symbols` (initial ids, end-of-word suffix already on the last) and returns the ids. */
export function bpeMerge(merges: BpeMerges, symbols: Int32Array | number[]): number[] {
  return symbols.length < HEAP_THRESHOLD ? mergeByScan(merges, Array.from(symbols)) : mergeByHeap(merges, symbols);
}

function mergeByScan(merges: BpeMerges, word: number[]): number[] {
  const { ranks, mergedId, idBase } = merges;
  while (word.length > 1) {
    // the lowest-ranked pair; ranks are unique, so its first occurrence names it
    let best = Infinity;
    let at = -1;
    for (let i = 0; i + 1 < word.length; i++) {
      const rank = ranks.get((word[i] as number) * idBase + (word[i + 1] as number));
      if (rank !== undefined && rank < best) {
        best = rank;
        at = i;
      }
    }
    if (at === -1) break;
    const left = word[at] as number;
    const right = word[at + 1] as number;
    const merged = mergedId[best] as number;
    const next = word.slice(0, at);
    for (let i = at; i < word.length; ) {
      if (word[i] === left && i + 1 < word.length && word[i + 1] === right) {
        next.push(merged);
        i += 2;
      } else {
        next.push(word[i] as number);
        i += 1;
      }
    }
    word = next;
  }
  return word;
}

function mergeByHeap(merges: BpeMerges, symbols: Int32Array | number[]): number[] {
  const { ranks, mergedId, idBase } = merges;
  const n = symbols.length;
  const sym = Int32Array.from(symbols);
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  // Heap keys pack (rank, position) so that popping order is rank, then left to right.
  const posBase = n;
  const heap = new MinHeap();
  const rankAt = (i: number): number | undefined => {
    const j = next[i] as number;
    return j === -1 ? undefined : ranks.get((sym[i] as number) * idBase + (sym[j] as number));
  };
  for (let i = 0; i + 1 < n; i++) {
    const rank = rankAt(i);
    if (rank !== undefined) heap.push(rank * posBase + i);
  }
  const batch: number[] = [];
  while (heap.size > 0) {
    const rank = Math.floor((heap.peek() as number) / posBase);
    // Take every entry of this rank first: merging creates only pairs of other ranks, and the
    // reference finishes one pair's occurrences before it looks for the next pair.
    batch.length = 0;
    while (heap.size > 0 && Math.floor((heap.peek() as number) / posBase) === rank) {
      batch.push((heap.pop() as number) - rank * posBase);
    }
    for (const i of batch) {
      // stale entries: the left symbol was absorbed, or the pair there changed
      if (sym[i] === -1 || rankAt(i) !== rank) continue;
      const j = next[i] as number;
      sym[i] = mergedId[rank] as number;
      sym[j] = -1;
      const after = next[j] as number;
      next[i] = after;
      if (after !== -1) prev[after] = i;
      const before = prev[i] as number;
      if (before !== -1) {
        const r = rankAt(before);
        if (r !== undefined) heap.push(r * posBase + before);
      }
      const r = rankAt(i);
      if (r !== undefined) heap.push(r * posBase + i);
    }
  }
  const out: number[] = [];
  for (let i = 0; i !== -1; i = next[i] as number) out.push(sym[i] as number);
  return out;
}

/** Binary min-heap of numbers; the keys here are integers below 2^53. */
class MinHeap {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  push(value: number): void {
    const items = this.items;
    let i = items.length;
    items.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as number;
      if (p <= value) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (items[r] as number) < (items[l] as number) ? r : l;
      if ((items[c] as number) >= last) break;
      items[i] = items[c] as number;
      i = c;
    }
    items[i] = last;
    return top;
  }
}
