// Unit tests run in Node: src/core is pure TypeScript, and the committed ONNX models are
// checked with onnxruntime-web's Node build.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    testTimeout: 60_000,
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine, which ran
    // the files one after another while a core waited.
    maxWorkers: 2,
  },
});
