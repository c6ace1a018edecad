// webclip/node's image pool (src/node/images/image-pool.ts): real worker threads, real sharp,
// tensors equal to the same preparation on this thread; bad photos failing alone with typed
// errors; aborts; a worker that dies or cannot start; prepare-ahead; nothing left running.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePreprocessorConfig, preprocessImage } from '../../../src/core/image/preprocess';
import { digestBlob } from '../../../src/node/images/blob-digest';
import { ImagePool } from '../../../src/node/images/image-pool';
import { toWireImage } from '../../../src/node/images/image-input';
import { decodeImageBytes } from '../../../src/node/images/sharp-decode';
import { ClipError, isClipError } from '../../../src/shared/errors';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures');
const config = parsePreprocessorConfig(JSON.parse(readFileSync(join(FIXTURES, 'tiny-clip', 'preprocessor_config.json'), 'utf8')));
// Formats and decoder paths that differ: EXIF rotation, gray, alpha, CMYK, 16-bit, palette, WebP, GIF, BMP.
const FILES = ['decode/orient-6.jpg', 'decode/gray.jpg', 'decode/alpha.png', 'hostile/cmyk.jpg', 'hostile/rgb16.png', 'hostile/palette.png', 'hostile/lossy.webp', 'hostile/animated.gif', 'hostile/photo.bmp'];

/** The same image prepared on this thread: sharp's decode, then core preprocessing. */
async function here(file: string): Promise<Float32Array> {
  return preprocessImage(await decodeImageBytes(readFileSync(join(FIXTURES, file))), config);
}

async function rejection(call: Promise<unknown>): Promise<ClipError> {
  try {
    await call;
  } catch (error) {
    if (isClipError(error)) return error;
    throw error;
  }
  throw new Error('the call did not fail');
}

describe("webclip/node's image pool", () => {
  let pool: ImagePool;
  let dir: string;
  beforeAll(() => {
    pool = new ImagePool(2);
    dir = mkdtempSync(join(tmpdir(), 'webclip-pool-'));
  });
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prepares paths, bytes and pixels on worker threads into exactly the tensors this thread makes', async () => {
    const tensors = await Promise.all(FILES.map(async (f) => pool.prepare(await toWireImage(join(FIXTURES, f)), config, undefined)));
    expect(pool.broken).toBeUndefined();
    expect(pool.running).toBe(2);
    for (const [i, file] of FILES.entries()) {
      expect(tensors[i]!.width, file).toBe(224);
      expect(tensors[i]!.data, file).toEqual(await here(file));
    }
    const bytes = readFileSync(join(FIXTURES, FILES[0]!));
    const pixels = await decodeImageBytes(bytes);
    const [fromBytes, fromPixels] = await Promise.all([
      pool.prepare(await toWireImage(bytes), config, undefined),
      pool.prepare(await toWireImage({ data: pixels.data, width: pixels.width, height: pixels.height }), config, undefined),
    ]);
    expect(fromBytes.data).toEqual(tensors[0]!.data);
    expect(fromPixels.data).toEqual(tensors[0]!.data);
  });

  it('a bad photo fails alone with BAD_IMAGE and its reason; an abort rejects with ABORTED; the pool goes on', async () => {
    const inputs = ['decode/gray.jpg', 'hostile/truncated.jpg', 'no-such.jpg', 'hostile/photo.heic', 'decode/orient-1.jpg'].map((f) => join(FIXTURES, f));
    const settled = await Promise.allSettled(inputs.map(async (f) => pool.prepare(await toWireImage(f), config, undefined)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    const reasons = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as ClipError] : []));
    expect(reasons.every((r) => r instanceof ClipError && r.code === 'BAD_IMAGE')).toBe(true);
    expect(reasons.map((r) => r.message)).toEqual([expect.stringMatching(/broken or truncated/), expect.stringMatching(/no-such\.jpg/), expect.stringMatching(/heic/i)]);

    const controller = new AbortController();
    const image = await toWireImage(join(FIXTURES, 'hostile', 'rgb16.png'));
    const calls = Array.from({ length: 8 }, () => pool.prepare(image, config, controller.signal));
    controller.abort();
    for (const call of calls) expect((await rejection(call)).code).toBe('ABORTED');
    expect((await rejection(pool.prepare(image, config, controller.signal))).code).toBe('ABORTED');
    expect((await pool.prepare(image, config, undefined)).data).toEqual(await here('hostile/rgb16.png'));
  });

  it('prepares ahead what it is told, and uses it only for the same bytes', async () => {
    const [a, b] = [join(dir, 'a.png'), join(dir, 'b.jpg')];
    copyFileSync(join(FIXTURES, 'hostile', 'palette.png'), a);
    copyFileSync(join(FIXTURES, 'decode', 'gray.jpg'), b);
    const ahead = new ImagePool(1);
    try {
      ahead.prepareAhead([a, b]);
      await ahead.begin(config);
      // b is rewritten after it was prepared ahead (another size): its new bytes are what count.
      await new Promise((resolve) => setTimeout(resolve, 500));
      copyFileSync(join(FIXTURES, 'decode', 'orient-3.jpg'), b);
      const [ta, tb] = await Promise.all([a, b].map(async (f) => ahead.prepare(await toWireImage(f), config, undefined)));
      expect(ta!.data).toEqual(await here('hostile/palette.png'));
      expect(tb!.data).toEqual(await here('decode/orient-3.jpg'));
    } finally {
      await ahead.close();
    }
    expect(ahead.running).toBe(0);
    expect((await rejection(ahead.prepare(await toWireImage(a), config, undefined))).code).toBe('ABORTED');
  });

  it('a worker that dies fails the photos in its hands with BAD_IMAGE; one that cannot start leaves the work to this thread, with a warning', async () => {
    const dying = new ImagePool(1, {
      source: "const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ ready: true }); parentPort.on('message', () => process.exit(3));",
      eval: true,
    });
    const failure = await rejection(dying.prepare(await toWireImage(join(FIXTURES, 'decode', 'gray.jpg')), config, undefined));
    expect([failure.code, failure.message]).toEqual(['BAD_IMAGE', expect.stringMatching(/image worker stopped .* exited with code 3/)]);
    await dying.close();

    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const unstartable = new ImagePool(2, { source: "throw new Error('no module here')", eval: true });
    try {
      const tensors = await Promise.all(['decode/gray.jpg', 'hostile/photo.bmp'].map(async (f) => unstartable.prepare(await toWireImage(join(FIXTURES, f)), config, undefined)));
      expect(tensors[0]!.data).toEqual(await here('decode/gray.jpg'));
      expect(tensors[1]!.data).toEqual(await here('hostile/photo.bmp'));
      expect(unstartable.broken).toMatch(/no module here/);
      expect(unstartable.running).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([expect.stringMatching(/image worker could not start \(.*no module here\)/)]);
    } finally {
      process.off('warning', onWarning);
      await unstartable.close();
    }
  });

  it('close lets the photo in hand finish and ends every worker; an idle pool never keeps a process alive', async () => {
    const closing = new ImagePool(2);
    const image = await toWireImage(join(FIXTURES, 'hostile', 'rgb16.png'));
    const calls = Array.from({ length: 10 }, () => closing.prepare(image, config, undefined).then(() => 'done', (e: unknown) => (isClipError(e) ? e.code : String(e))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await closing.close();
    expect(closing.running).toBe(0);
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((o) => o === 'done' || o === 'ABORTED')).toBe(true);
    expect(outcomes).toContain('ABORTED');

    // A script that embeds through the pool and never closes it still exits, at once.
    const script = `
      import { ImagePool } from ${JSON.stringify(join(ROOT, 'src', 'node', 'images', 'image-pool.ts'))};
      import { toWireImage } from ${JSON.stringify(join(ROOT, 'src', 'node', 'images', 'image-input.ts'))};
      import { parsePreprocessorConfig } from ${JSON.stringify(join(ROOT, 'src', 'core', 'image', 'preprocess.ts'))};
      const config = parsePreprocessorConfig(${JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, 'tiny-clip', 'preprocessor_config.json'), 'utf8')))});
      const pool = new ImagePool(2);
      const t = await pool.prepare(await toWireImage(${JSON.stringify(join(FIXTURES, 'decode', 'gray.jpg'))}), config, undefined);
      console.log(t.width, pool.running);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect([run.status, run.stdout.trim()], run.stderr).toEqual([0, '224 1']);
  });

  it("digests a photo's Blob as WebCrypto does, streamed; a file changed since it was opened is BAD_IMAGE", async () => {
    const file = join(dir, 'digest.jpg');
    copyFileSync(join(FIXTURES, 'decode', 'orient-6.jpg'), file);
    const image = await toWireImage(file);
    if (image.kind !== 'blob') throw new Error('a path opens as a Blob');
    const bytes = readFileSync(file);
    const expected = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
    expect(await digestBlob(image.blob)).toBe(expected);
    expect(await digestBlob(new Blob([bytes]))).toBe(expected);
    copyFileSync(join(FIXTURES, 'decode', 'gray.jpg'), file);
    expect((await rejection(digestBlob(image.blob))).code).toBe('BAD_IMAGE');
  });
});
