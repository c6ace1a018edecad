// A Node script as a user writes it: webclip/node from the installed package, one photo embedded
// with the model in ./model; prints the vector as JSON (package.spec.ts compares it with PyTorch's).
import { createClip } from 'webclip/node';

const clip = await createClip({ model: './model', dtype: 'fp32' });
const [vector] = await clip.embedImages([process.argv[2]]);
console.log(JSON.stringify({ dim: clip.info.dim, vector: Array.from(vector) }));
await clip.dispose();
