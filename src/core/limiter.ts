// Runs at most `slots` tasks at once, the rest in arrival order: a 12 MP photo being decoded
// holds ~100 MB, and beyond a few at once a small machine only gets slower.
import { ClipError } from '../shared/errors';

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(slots: number): Limiter {
  if (!Number.isInteger(slots) || slots < 1) throw new ClipError('BAD_INPUT', `slots must be a positive integer, got ${slots}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < slots) running++;
    // The slot passes straight from a finishing task to the next waiter: `running` stays put.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
