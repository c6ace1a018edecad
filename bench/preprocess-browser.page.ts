// Browser side of bench/preprocess-browser.ts: times webclip's preprocessImage against
// transformers.js's CLIPImageProcessor (canvas resize in browsers) on the same pixels.
import { CLIPImageProcessor, RawImage } from '@huggingface/transformers';
import { parsePreprocessorConfig, preprocessImage, type RgbaPixels } from '../src/core/image/preprocess';

async function fetchBytes(url: string): Promise<Uint8ClampedArray> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return new Uint8ClampedArray(await response.arrayBuffer());
}

async function run(
  config: Record<string, unknown>,
  images: { name: string; url: string; width: number; height: number }[],
  warmup: number,
  rounds: number,
): Promise<{ name: string; oursMs: number[]; theirsMs: number[]; ours: number[]; theirs: number[] }[]> {
  const parsed = parsePreprocessorConfig(config);
  const processor = new CLIPImageProcessor(config);
  const ours = (p: RgbaPixels) => preprocessImage(p, parsed);
  const theirs = async (p: RgbaPixels) =>
    (await processor(new RawImage(p.data, p.width, p.height, 4))).pixel_values.data as Float32Array;
  const rows = [];
  for (const image of images) {
    const pixels = { data: await fetchBytes(image.url), width: image.width, height: image.height };
    const oursMs: number[] = [];
    const theirsMs: number[] = [];
    for (let round = 0; round < warmup + rounds; round++) {
      let a = 0;
      let b = 0;
      const first = round % 2 === 0;
      for (const who of first ? ['ours', 'theirs'] : ['theirs', 'ours']) {
        const t = performance.now();
        if (who === 'ours') ours(pixels);
        else await theirs(pixels);
        if (who === 'ours') a = performance.now() - t;
        else b = performance.now() - t;
      }
      if (round >= warmup) {
        oursMs.push(a);
        theirsMs.push(b);
      }
    }
    rows.push({
      name: image.name,
      oursMs,
      theirsMs,
      ours: Array.from(ours(pixels)),
      theirs: Array.from(await theirs(pixels)),
    });
  }
  return rows;
}

(window as unknown as { runPreprocessBench: typeof run }).runPreprocessBench = run;
document.title = 'ready';
