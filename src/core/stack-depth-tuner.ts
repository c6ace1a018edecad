// Chooses how deep on the stack onnxruntime-web's runs start, from how long they take. V8 keeps
// some of ORT's SIMD kernel values in 16-byte stack slots that are only 8-byte aligned; at an
// unlucky stack depth one straddles a 4 KiB page and that thread's share of every matrix product
// runs twice as slow (issue 15; docs/internals.md#run-stack-depth). A run whose time says so moves
// the depth.

export interface StackDepthTunerOptions {
  /** Depths tried in turn (0 … depths − 1). */
  depths: number;
  /** A run this many times slower than the fastest run of its kind counts as slow. */
  slowRatio: number;
  /** Slow runs in a row at one depth that move to the next. */
  slowRunsToMove: number;
  /** Every this many runs of a kind, one runs at the next depth, to find a faster one. */
  tryEvery: number;
  /** A tried depth is taken when its run takes at most this part of the current depth's. */
  betterRatio: number;
  /**
   * Either way, the gap must also be this many ms: in short runs (a small model, a few captions) a
   * 1.5× swing is timing noise, and a slow spot would cost the user next to nothing.
   */
  minGapMs: number;
}

export const STACK_DEPTH_DEFAULTS: StackDepthTunerOptions = {
  depths: 4,
  slowRatio: 1.5,
  slowRunsToMove: 2,
  tryEvery: 24,
  betterRatio: 0.75,
  minGapMs: 50,
};

/** What is known of one kind of run (one session, one input shape): times are comparable. */
interface RunKind {
  runs: number;
  fastest: number;
  slowInARow: number;
  /** The latest few times per depth. */
  recent: Map<number, number[]>;
}

const RECENT = 3;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export class StackDepthTuner {
  private depth = 0;
  private moves = 0;
  private readonly kinds = new Map<string, RunKind>();
  private readonly options: StackDepthTunerOptions;

  constructor(options: Partial<StackDepthTunerOptions> = {}) {
    this.options = { ...STACK_DEPTH_DEFAULTS, ...options };
    const { depths, slowRunsToMove, tryEvery } = this.options;
    if (![depths, slowRunsToMove, tryEvery].every((n) => Number.isInteger(n) && n >= 1)) {
      throw new RangeError('depths, slowRunsToMove and tryEvery must be positive integers');
    }
  }

  /** The depth runs start at now. */
  get current(): number {
    return this.depth;
  }

  /** How often the depth has moved. */
  get moved(): number {
    return this.moves;
  }

  /** The depth for the next run of `kind`: the current one, or now and then the next to try. */
  depthFor(kind: string): number {
    const { depths, tryEvery } = this.options;
    const known = this.kinds.get(kind);
    const trying = depths > 1 && known !== undefined && known.runs % tryEvery === tryEvery - 1;
    return trying ? (this.depth + 1) % depths : this.depth;
  }

  /** Notes that a run of `kind` at `depth` took `ms`; moves the depth when runs say so. */
  record(kind: string, depth: number, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    let known = this.kinds.get(kind);
    if (!known) {
      known = { runs: 0, fastest: Infinity, slowInARow: 0, recent: new Map() };
      this.kinds.set(kind, known);
    }
    known.runs++;
    known.fastest = Math.min(known.fastest, ms);
    const recent = known.recent.get(depth) ?? [];
    recent.push(ms);
    if (recent.length > RECENT) recent.shift();
    known.recent.set(depth, recent);
    const { depths, slowRatio, slowRunsToMove, betterRatio, minGapMs } = this.options;
    if (depth === this.depth) {
      const slow = ms > slowRatio * known.fastest && ms - known.fastest >= minGapMs;
      known.slowInARow = slow ? known.slowInARow + 1 : 0;
      if (known.slowInARow >= slowRunsToMove) this.moveTo((this.depth + 1) % depths);
      return;
    }
    // A tried depth: taken when clearly faster than what the current one does lately.
    const here = known.recent.get(this.depth);
    if (here && here.length > 0) {
      const usual = median(here);
      if (ms <= betterRatio * usual && usual - ms >= minGapMs) this.moveTo(depth);
    }
  }

  private moveTo(depth: number): void {
    if (depth === this.depth) return;
    this.depth = depth;
    this.moves++;
    for (const known of this.kinds.values()) known.slowInARow = 0;
  }
}
