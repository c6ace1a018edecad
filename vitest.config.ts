// Unit tests run in Node: src/core is pure TypeScript, and the committed ONNX models are
// checked with onnxruntime-web's Node build.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    // A hang's bound, not a speed test: the heaviest files (the naive all-pairs references of
    // near-duplicates, int8 recall on 20,000 vectors) took over a minute on the shared machine.
    testTimeout: 180_000,
    // The same bound for beforeAll/afterAll (Vitest's default is 10 s): webclip/node's files
    // start a model and write photos there, which took longer than that under load.
    hookTimeout: 180_000,
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine, which ran
    // the files one after another while a core waited.
    maxWorkers: 2,
  },
});
