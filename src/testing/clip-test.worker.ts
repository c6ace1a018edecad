// The test worker: webclip's worker API (src/worker/clip-api.ts) plus the faults and calls of
// test-worker-api.ts. Started by test-clip.ts in place of src/worker/clip.worker.ts.
import * as Comlink from 'comlink';
import { installTransferHandlers } from '../shared/transfer-handlers';
import type { ModelSessions } from '../runtime/backend/model-sessions';
import { ClipEngine, type EngineObserver } from '../runtime/engine/engine';
import { failWritesForTest } from '../runtime/library/library-db';
import { loadedRunStack } from '../runtime/backend/ort-run-stack';
import { createClipApi } from '../worker/clip-api';
import type { TestLoadOptions, TestWorkerApi } from './test-worker-api';

let encodedTexts = 0;
let heldImages = 0;
let peakHeldImages = 0;

const observer: EngineObserver = {
  textsEncoded: (count) => (encodedTexts += count),
  imagesHeld: (delta) => {
    heldImages += delta;
    peakHeldImages = Math.max(peakHeldImages, heldImages);
  },
};

const { api, engine } = createClipApi((options, call) => {
  const { testHooks } = options as TestLoadOptions;
  encodedTexts = heldImages = peakHeldImages = 0;
  return ClipEngine.load(options, call, { observer, ...(testHooks ? { sessionHooks: testHooks, storeHooks: testHooks } : {}) });
});

const testApi: TestWorkerApi = {
  ...api,
  async cachedLabels() {
    return engine().labels.size;
  },
  async encodedTexts() {
    return encodedTexts;
  },
  async peakHeldImages() {
    const peak = peakHeldImages;
    peakHeldImages = 0;
    return peak;
  },
  async failLibraryWrites(count) {
    failWritesForTest(count);
  },
  async exit() {
    setTimeout(() => self.close(), 0);
  },
  async loseDevice() {
    await (engine().sessions as ModelSessions).loseDeviceForTest();
  },
  async ortRunStack() {
    const stack = loadedRunStack('wasm');
    return stack && { active: stack.active, step: stack.tuner.current, moved: stack.tuner.moved };
  },
};

installTransferHandlers();
Comlink.expose(testApi);
