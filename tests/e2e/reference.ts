// Reads the committed test model's PyTorch reference outputs (tests/fixtures/tiny-clip).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Reference {
  texts: { text: string; num_tokens: number; input_ids: number[]; text_embeds: Record<Variant, number[]> }[];
  images: { file: string; width: number; height: number; image_embeds: Record<Variant, number[]> }[];
}
export type Variant = 'fp32' | 'int8_sim' | 'q4_sim';

export const fixtureDir = join(import.meta.dirname, '..', 'fixtures');

export const reference: Reference = JSON.parse(
  readFileSync(join(fixtureDir, 'tiny-clip', 'reference.json'), 'utf8'),
) as Reference;

export function cosine(a: readonly number[], b: readonly number[]): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}
