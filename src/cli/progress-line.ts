// The indexing progress on standard error: a bar, photos per second and the time left, redrawn
// in place on a terminal; elsewhere (a log, CI) a plain line every 10 %.
import type { Writable } from 'node:stream';

const WIDTH = 24;

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class ProgressLine {
  private readonly started = performance.now();
  private lastDecile = -1;
  private drawn = false;

  constructor(
    private readonly out: Writable & { isTTY?: boolean; columns?: number },
    private readonly total: number,
    private readonly quiet: boolean,
  ) {}

  /** Photos per second so far. */
  rate(done: number): number {
    const seconds = (performance.now() - this.started) / 1000;
    return seconds > 0 ? done / seconds : 0;
  }

  update(done: number): void {
    if (this.quiet || this.total === 0) return;
    const rate = this.rate(done);
    const left = rate > 0 ? (this.total - done) / rate : Infinity;
    const text = `${done}/${this.total} photos · ${rate.toFixed(1)} photos/s · ${duration(left)} left`;
    if (this.out.isTTY) {
      const filled = Math.round((WIDTH * done) / this.total);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${text}\x1b[K`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor((10 * done) / this.total);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`${text}\n`);
    }
  }

  /** Ends the redrawn line, so what follows starts on a line of its own. */
  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
