// The command's progress on standard error: photos/s and the time left, redrawn in place on a
// terminal, a line every 10 % elsewhere, nothing with --quiet.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { duration, ProgressLine } from '../../../src/cli/progress-line';

function sink(isTTY: boolean): Writable & { text: string; isTTY: boolean } {
  const out = new Writable({ write: (chunk, _e, done) => ((out.text += String(chunk)), done()) }) as Writable & { text: string; isTTY: boolean };
  out.text = '';
  out.isTTY = isTTY;
  return out;
}
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('the progress line', () => {
  it('in a log: a line at the first photo, then one per tenth, each with photos done, photos/s and the time left', async () => {
    const out = sink(false);
    const progress = new ProgressLine(out, 200, false);
    for (let done = 1; done <= 200; done++) progress.update(done);
    progress.end();
    await flushed();
    const lines = out.text.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['1/200', '20/200', '40/200', '60/200', '80/200', '100/200', '120/200', '140/200', '160/200', '180/200', '200/200']);
    expect(lines[1]).toMatch(/^20\/200 photos · \d+\.\d photos\/s · (\d+s|\d+m\d\ds|\d+h\d\dm|\?) left$/);
    expect(lines[10]).toMatch(/^200\/200 photos · .* · 0s left$/);
  });

  it('on a terminal: a bar redrawn in place, ended by a newline; --quiet prints nothing', async () => {
    const tty = sink(true);
    const progress = new ProgressLine(tty, 4, false);
    progress.update(1);
    progress.update(4);
    progress.end();
    await flushed();
    expect(tty.text.split('\r').filter(Boolean)).toEqual([
      expect.stringMatching(/^\[#{6}\.{18}\] 1\/4 photos · .* left\x1b\[K$/),
      expect.stringMatching(/^\[#{24}\] 4\/4 photos · .* 0s left\x1b\[K\n$/),
    ]);
    const quiet = sink(true);
    new ProgressLine(quiet, 4, true).update(2);
    expect(quiet.text).toBe('');
  });

  it('durations read as a person writes them', () => {
    expect([duration(4.4), duration(75), duration(3725), duration(Infinity)]).toEqual(['4s', '1m15s', '1h02m', '?']);
  });
});
