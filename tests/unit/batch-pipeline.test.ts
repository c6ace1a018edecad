import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/core/batch-pipeline';
import { ClipError, isClipError } from '../../src/shared/errors';

const vec = (x: number) => new Float32Array([x]);

describe('runPipeline', () => {
  it('answers every input in order, in batches of the given size', async () => {
    const batches: number[][] = [];
    const { embeddings, failures } = await runPipeline<number>(7, {
      batchSize: 3,
      prepare: async (i) => i * 10,
      run: async (batch) => {
        batches.push([...batch]);
        return batch.map(vec);
      },
    });
    expect(failures).toEqual([]);
    expect(embeddings.map((v) => v![0])).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([[0, 10, 20], [30, 40, 50], [60]]);
  });

  it('lets a bad input fail alone and keeps the others', async () => {
    const { embeddings, failures } = await runPipeline<number>(5, {
      batchSize: 2,
      prepare: async (i) => {
        if (i === 1) throw new ClipError('BAD_IMAGE', 'not an image');
        if (i === 4) throw new Error('plain error');
        return i;
      },
      run: async (batch) => batch.map(vec),
    });
    expect(failures).toEqual([
      { index: 1, code: 'BAD_IMAGE', message: 'not an image' },
      { index: 4, code: 'BAD_IMAGE', message: 'plain error' },
    ]);
    expect(embeddings.map((v) => v?.[0])).toEqual([0, undefined, 2, 3, undefined]);
  });

  it('prepares the next batch while the current one runs', async () => {
    const events: string[] = [];
    await runPipeline<number>(4, {
      batchSize: 2,
      prepare: async (i) => {
        events.push(`prepare ${i}`);
        return i;
      },
      run: async (batch) => {
        events.push(`run ${batch.join(',')} start`);
        await new Promise((r) => setTimeout(r, 5));
        events.push(`run ${batch.join(',')} end`);
        return batch.map(vec);
      },
    });
    // Batch 2's preparation starts before batch 1's inference ends.
    expect(events.indexOf('prepare 2')).toBeLessThan(events.indexOf('run 0,1 end'));
  });

  it('with ahead: 2, prepares the two batches after the one running, in order, and answers as before', async () => {
    const events: string[] = [];
    const { embeddings } = await runPipeline<number>(8, {
      batchSize: 2,
      ahead: 2,
      prepare: async (i) => {
        events.push(`prepare ${i}`);
        return i;
      },
      run: async (batch) => {
        events.push(`run ${batch.join(',')} start`);
        await new Promise((r) => setTimeout(r, 5));
        events.push(`run ${batch.join(',')} end`);
        return batch.map(vec);
      },
    });
    expect(embeddings.map((v) => v![0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Batches 2 and 3 (inputs 2..5) are being prepared while batch 1 runs; batch 4 only after it.
    expect(events.indexOf('prepare 5')).toBeLessThan(events.indexOf('run 0,1 end'));
    expect(events.indexOf('prepare 6')).toBeGreaterThan(events.indexOf('run 0,1 end'));
    expect(events.filter((e) => e.startsWith('prepare'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `prepare ${i}`));
    await expect(runPipeline<number>(1, { batchSize: 1, ahead: 0, prepare: async (i) => i, run: async (b) => b.map(vec) })).rejects.toSatisfy((e) => isClipError(e, 'BAD_INPUT'));
  });

  it('stops between batches when aborted, with ABORTED', async () => {
    const controller = new AbortController();
    let runs = 0;
    const result = runPipeline<number>(10, {
      batchSize: 2,
      prepare: async (i) => i,
      run: async (batch) => {
        runs++;
        if (runs === 2) controller.abort();
        return batch.map(vec);
      },
      signal: controller.signal,
    });
    await expect(result).rejects.toSatisfy((e) => isClipError(e, 'ABORTED'));
    expect(runs).toBe(2);
  });

  it('reports progress after each batch and handles zero inputs', async () => {
    const seen: string[] = [];
    await runPipeline<number>(3, {
      batchSize: 2,
      prepare: async (i) => i,
      run: async (batch) => batch.map(vec),
      onBatch: (done, total) => seen.push(`${done}/${total}`),
    });
    expect(seen).toEqual(['2/3', '3/3']);
    const empty = await runPipeline<number>(0, { batchSize: 2, prepare: async (i) => i, run: async (b) => b.map(vec) });
    expect(empty).toEqual({ embeddings: [], failures: [] });
  });

  it('rejects when inference itself fails (not an input problem)', async () => {
    const result = runPipeline<number>(2, {
      batchSize: 2,
      prepare: async (i) => i,
      run: async () => {
        throw new ClipError('BACKEND_UNAVAILABLE', 'gone');
      },
    });
    await expect(result).rejects.toSatisfy((e) => isClipError(e, 'BACKEND_UNAVAILABLE'));
  });
});
