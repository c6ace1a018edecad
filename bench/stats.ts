// Small statistics shared by the benchmarks (Node and page alike): medians and a seeded
// random generator, so inputs are the same on every run.

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export { mulberry32 } from '../src/core/vectors/seeded-random';
