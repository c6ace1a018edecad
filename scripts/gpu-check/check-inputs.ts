// What the check embeds and what it compares with: photos as prepared pixel_values, captions,
// and PyTorch's embeddings of both (fp32, and simulations of the int8 and 4-bit graphs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ReferenceKind = 'fp32' | 'int8_sim' | 'q4_sim';

export interface CheckInputs {
  photos: string[];
  /** [photos, 3, size, size] float32, prepared by PyTorch's preprocessing. */
  pixels: Float32Array;
  imageSize: number;
  /** Ids from the reference tokenizer: <|startoftext|> … <|endoftext|>, unpadded. */
  captions: { text: string; ids: number[] }[];
  references: Record<ReferenceKind, { images: number[][]; texts: number[][] }>;
  /** PyTorch's own timings on the device's GPU (device_model.py), carried into the report. */
  torchCuda?: unknown;
}

const readF32 = (path: string): Float32Array => {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/** A device run's inputs: pack.ts wrote captions.json, device_model.py the rest. */
export function deviceInputs(inputsDir: string, torchReport: string): CheckInputs {
  const torch = JSON.parse(readFileSync(torchReport, 'utf8')) as {
    photos: string[];
    pixel_values_dims: number[];
    references: CheckInputs['references'];
    torch_cuda: unknown;
  };
  return {
    photos: torch.photos,
    pixels: readF32(join(inputsDir, 'pixel_values.f32')),
    imageSize: torch.pixel_values_dims[3]!,
    captions: JSON.parse(readFileSync(join(inputsDir, 'captions.json'), 'utf8')) as CheckInputs['captions'],
    references: torch.references,
    torchCuda: torch.torch_cuda,
  };
}

interface FixtureReference {
  eos_token_id: number;
  texts: { text: string; input_ids: number[]; text_embeds: Record<ReferenceKind, number[]> }[];
  images: { file: string; pixel_values_file?: string; image_embeds: Record<ReferenceKind, number[]> }[];
}

/** The committed tiny test model's references (tests/fixtures/tiny-clip/reference.json). */
export function fixtureInputs(modelDir: string, inputsDir: string): CheckInputs {
  const ref = JSON.parse(readFileSync(join(modelDir, 'reference.json'), 'utf8')) as FixtureReference;
  const images = ref.images.filter((i) => i.pixel_values_file);
  const pixels = images.map((i) => readF32(join(inputsDir, i.pixel_values_file!)));
  const joined = new Float32Array(pixels.reduce((n, p) => n + p.length, 0));
  pixels.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
  const kinds: ReferenceKind[] = ['fp32', 'int8_sim', 'q4_sim'];
  const references = Object.fromEntries(
    kinds.map((k) => [k, { images: images.map((i) => i.image_embeds[k]), texts: ref.texts.map((t) => t.text_embeds[k]) }]),
  ) as CheckInputs['references'];
  return {
    photos: images.map((i) => i.file),
    pixels: joined,
    imageSize: Math.round(Math.sqrt(pixels[0]!.length / 3)),
    // reference.json pads with eos to 77 (Hugging Face's convention): cut after the first eos.
    captions: ref.texts.map((t) => ({ text: t.text, ids: t.input_ids.slice(0, t.input_ids.indexOf(ref.eos_token_id) + 1) })),
    references,
  };
}
