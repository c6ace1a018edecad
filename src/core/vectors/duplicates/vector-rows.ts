// Rows of vectors as the duplicate search reads them: an array, or a source that may reuse its buffer.

export interface Rows {
  readonly n: number;
  at(i: number): Float32Array;
  /** Whether `at` returns arrays that stay valid (an array input) or may be reused (a source). */
  readonly stable: boolean;
}
