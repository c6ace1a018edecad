// transformers.js in Node on a folder of photos, as its docs show (CLIPVisionModelWithProjection +
// AutoProcessor, batches of 8, embeddings L2-normalized): bench/node-index.ts runs it as a
// process of its own, beside `webclip index`. Plain JavaScript, so nothing compiles it first.
// Usage: node bench/transformers-index.mjs MODEL_FOLDER DTYPE PHOTO...
import { basename, dirname } from 'node:path';
import { AutoProcessor, CLIPVisionModelWithProjection, env, RawImage } from '@huggingface/transformers';

const [model, dtype, ...files] = process.argv.slice(2);
const BATCH = 8; // webclip's image batch (src/runtime/engine/engine.ts)
env.allowRemoteModels = false;
env.localModelPath = dirname(model);
const processor = await AutoProcessor.from_pretrained(basename(model));
const vision = await CLIPVisionModelWithProjection.from_pretrained(basename(model), { dtype, device: 'cpu' });
let embedded = 0;
for (let i = 0; i < files.length; i += BATCH) {
  const images = await Promise.all(files.slice(i, i + BATCH).map((f) => RawImage.read(f)));
  const { image_embeds } = await vision(await processor(images));
  embedded += image_embeds.normalize(2, -1).dims[0];
}
await vision.dispose();
if (embedded !== files.length) throw new Error(`embedded ${embedded} of ${files.length}`);
