// Where webclip's image time goes, measured from the outside: its own decode (createImageBitmap
// + OffscreenCanvas readback) and preprocessing functions, run alone in a worker of their own,
// and what a decode at reduced size would cost instead.
import * as Comlink from 'comlink';
import { parsePreprocessorConfig, preprocessedSize, preprocessImageInto, type RgbaPixels } from '../../src/core/image/preprocess';
import { decodeImage } from '../../src/runtime/images/image-decoder';

async function readBack(bitmap: ImageBitmap): Promise<void> {
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  context.getImageData(0, 0, bitmap.width, bitmap.height);
  bitmap.close();
}

/** Decodes a batch all at once, as both engines do, and reads the RGBA pixels back. */
async function decodeBatch(blobs: Blob[], options?: ImageBitmapOptions): Promise<number> {
  const t = performance.now();
  await Promise.all(blobs.map(async (b) => readBack(await createImageBitmap(b, options))));
  return performance.now() - t;
}

const api = {
  /**
   * ms for one batch: decoded as webclip's engine does (all of a batch at once, its own
   * decodeImage), then preprocessed with its preprocessImageInto. With `alternatives`, also
   * decoded with createImageBitmap's default options, with colorSpaceConversion 'none' alone,
   * and scaled to a 224 shortest edge, the decodes in an order that rotates with `round`.
   */
  async webclip(
    blobs: Blob[],
    preprocessorJson: unknown,
    size: { width: number; height: number },
    alternatives: boolean,
    round: number,
  ): Promise<Record<string, number>> {
    const config = parsePreprocessorConfig(preprocessorJson);
    const scale = 224 / Math.min(size.width, size.height);
    const reduced: ImageBitmapOptions = {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
      resizeWidth: Math.round(size.width * scale),
      resizeHeight: Math.round(size.height * scale),
      resizeQuality: 'high',
    };
    const out: Record<string, number> = {};
    let pixels: RgbaPixels[] = [];
    const steps: [string, () => Promise<number>][] = [
      [
        'decode',
        async () => {
          const t = performance.now();
          pixels = await Promise.all(blobs.map((b) => decodeImage(b)));
          return performance.now() - t;
        },
      ],
      ...(alternatives
        ? ([
            ['decodeDefault', () => decodeBatch(blobs)],
            ['decodeColorNone', () => decodeBatch(blobs, { colorSpaceConversion: 'none' })],
            ['decodeReduced', () => decodeBatch(blobs, reduced)],
          ] as [string, () => Promise<number>][])
        : []),
    ];
    for (let i = 0; i < steps.length; i++) {
      const [name, step] = steps[(i + round) % steps.length]!;
      out[name] = await step();
    }
    const t = performance.now();
    const { width, height } = preprocessedSize(config, pixels[0]!.width, pixels[0]!.height);
    const one = 3 * width * height;
    const batch = new Float32Array(pixels.length * one);
    pixels.forEach((p, i) => preprocessImageInto(p, config, batch, i * one));
    out['preprocess'] = performance.now() - t;
    return out;
  },
};

export type ProbeApi = typeof api;
Comlink.expose(api);
