// The webclip command on the committed test model: index (recursive ids, a re-run embeds only
// what changed and drops what is gone, bad photos skipped), queries, exports, exit codes; and a
// real Ctrl-C in the middle of indexing leaves a complete library file.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/cli/main';
import { LibraryRows } from '../../../src/node/export/library-rows';
import { createClip, cosine } from '../../../src/node/index';
import { writePhotos } from './photo-folder';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MODEL = join(ROOT, 'tests', 'fixtures', 'tiny-clip');

function sink(): Writable & { text: string } {
  const out = new Writable({ write: (chunk, _e, done) => ((out.text += String(chunk)), done()) }) as Writable & { text: string };
  out.text = '';
  return out;
}

async function webclip(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await runCommand(argv, { stdout, stderr }, new AbortController().signal);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function rows(file: string) {
  const library = await LibraryRows.open(file);
  const out = new Map<string, Float32Array>();
  for await (const page of library.pages()) for (const r of page) out.set(r.id, r.vector);
  return { provenance: library.provenance, vectors: out };
}

describe('webclip index and the queries', () => {
  let dir: string;
  let photos: string;
  let ids: string[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webclip-cli-'));
    photos = join(dir, 'photos');
    ids = await writePhotos(photos, 24);
    writeFileSync(join(photos, 'set-0', 'broken.jpg'), readFileSync(join(ROOT, 'tests', 'fixtures', 'hostile', 'truncated.jpg')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes a folder recursively (ids are relative paths), skips a bad photo, and its vectors are the API\'s', async () => {
    const file = join(dir, 'photos.webclip');
    const run = await webclip('index', photos, '--model', MODEL, '--dtype', 'fp32', '--out', file, '--json');
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { added: number; failed: { id: string; code: string }[]; photos: number };
    expect(summary).toMatchObject({ added: 24, photos: 24 });
    expect(summary.failed.map((f) => [f.id, f.code])).toEqual([['set-0/broken.jpg', 'BAD_IMAGE']]);
    const { provenance, vectors } = await rows(file);
    expect(provenance).toMatchObject({ library: 'photos', preprocessing: 'pil-bicubic-1', dim: 32, count: 24 });
    expect([...vectors.keys()].sort()).toEqual(ids);
    const clip = await createClip({ model: MODEL, dtype: 'fp32' });
    const [direct] = await clip.embedImages([join(photos, ids[7]!)]);
    await clip.dispose();
    expect(cosine(direct!, vectors.get(ids[7]!)!)).toBeGreaterThan(0.99999);
  });

  it('a re-run embeds only new and changed photos and drops the ones gone', async () => {
    const file = join(dir, 'rerun.webclip');
    expect((await webclip('index', photos, '-m', MODEL, '--dtype', 'fp32', '-o', file, '-q')).code).toBe(0);
    const before = await rows(file);
    rmSync(join(photos, ids[0]!));
    copyFileSync(join(photos, ids[2]!), join(photos, ids[1]!)); // changed bytes under the same name
    await writePhotos(join(photos, 'new'), 2, 7);
    const run = await webclip('index', photos, '-o', file, '--json'); // the model comes from the file
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ added: 3, unchanged: 22, removed: 1, photos: 25 });
    const after = await rows(file);
    expect(after.vectors.has(ids[0]!)).toBe(false);
    expect([...after.vectors.get(ids[1]!)!]).toEqual([...before.vectors.get(ids[2]!)!]);
    expect([...after.vectors.get(ids[5]!)!]).toEqual([...before.vectors.get(ids[5]!)!]);
  });

  it('search, similar, tag, duplicates, info and export answer; mistakes exit 2, failures 1', async () => {
    const file = join(dir, 'photos.webclip');
    const search = await webclip('search', file, 'a striped pattern', '-k', '5', '--json');
    expect(search.code, search.stderr).toBe(0);
    const hits = JSON.parse(search.stdout) as { id: string; score: number }[];
    expect(hits).toHaveLength(5);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    const similar = JSON.parse((await webclip('similar', file, ids[3]!, '-k', '3', '--json')).stdout) as { id: string }[];
    expect(similar).toHaveLength(3);
    expect(similar.map((h) => h.id)).not.toContain(ids[3]);
    const byImage = JSON.parse((await webclip('similar', file, join(photos, ids[3]!), '-k', '1', '--json')).stdout) as { id: string; score: number }[];
    expect(byImage[0]).toMatchObject({ id: ids[3] });
    expect(byImage[0]!.score).toBeGreaterThan(0.9999);
    const tags = JSON.parse((await webclip('tag', file, ids[3]!, '--vocabulary', 'cat,dog,stripes', '--json')).stdout) as { tag: string }[];
    expect(tags.length).toBeGreaterThan(0);
    const dupes = await webclip('duplicates', file, '--threshold', '1', '--json');
    expect(JSON.parse(dupes.stdout)).toEqual([]);
    expect((await webclip('info', file)).stdout).toMatch(/vectors +24 × 32 \(float32\)/);
    const jsonl = (await webclip('export', file, '--format', 'jsonl')).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; vector: number[]; model: string });
    expect(jsonl).toHaveLength(24);
    expect(jsonl[0]!.vector).toHaveLength(32);
    expect(jsonl[0]!.model).toMatch(/^file:.*tiny-clip\/$/);
    expect((await webclip('search', file)).code).toBe(2);
    expect((await webclip('export', file, '--format', 'csv')).code).toBe(2);
    expect((await webclip('index', photos)).code).toBe(2);
    expect((await webclip('frobnicate')).code).toBe(2);
    const missing = await webclip('search', join(dir, 'none.webclip'), 'x');
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/no library file .*NOT_FOUND/)]);
    const other = await webclip('index', photos, '--model', join(ROOT, 'tests', 'fixtures', 'tiny-clip-inputs'), '-o', file);
    expect(other.code).toBe(1);
  });

  it('Ctrl-C in the middle of indexing exits 130 and leaves a complete file; running again finishes it', async () => {
    const many = join(dir, 'many');
    await writePhotos(many, 80, 3);
    const file = join(dir, 'interrupted.webclip');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'webclip.ts'), 'index', many, '-m', MODEL, '--dtype', 'fp32', '-o', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += String(chunk);
        // The first progress line: photos are being embedded.
        if (/photos\/s/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: .* is complete with \d+ photos/);
    const done = (await rows(file)).vectors.size;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(80);
    const again = await webclip('index', many, '-o', file, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 80 - done, unchanged: done, photos: 80 });
  });
});
