// Which family a folder holds, from its files (src/core/model/model-family.ts), on the fixtures' own
// files and the shapes the public exports' config.json files have.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { statedDim } from '../../../src/core/model/model-config';
import { familyOf } from '../../../src/core/model/model-family';

const json = (name: string, file: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/${name}/${file}`, import.meta.url)), 'utf8'));

describe('familyOf', () => {
  it.each([
    ['tiny-clip', 'clip', 'longest', 'softmax'],
    ['tiny-mobileclip', 'mobileclip', 'fixed', 'softmax'],
    ['tiny-siglip', 'siglip', 'fixed', 'sigmoid'],
    ['tiny-siglip2', 'siglip2', 'fixed', 'sigmoid'],
  ])('%s: %s, texts padded to the %s, scored by %s', (name, family, textPadding, scoring) => {
    expect(familyOf(json(name, 'config.json'), json(name, 'tokenizer_config.json'))).toEqual({ family, textPadding, scoring });
  });

  it('decides from the files, not the name: SigLIP 2 by its Gemma tokenizer, MobileCLIP by a config that does not describe CLIP\'s text tower', () => {
    expect(familyOf({ model_type: 'siglip' }, { tokenizer_class: 'GemmaTokenizer' }).family).toBe('siglip2');
    expect(familyOf({ model_type: 'siglip' }, { tokenizer_class: 'SiglipTokenizer' }).family).toBe('siglip');
    expect(familyOf({ model_type: 'clip' }, {}).family).toBe('mobileclip');
    expect(familyOf({ model_type: 'clip', projection_dim: 512 }, {}).family).toBe('clip');
  });

  it('refuses other model types (MODEL_INCOMPATIBLE), pointing a lone text tower to pairing', () => {
    expect(() => familyOf({ model_type: 'vit' }, {})).toThrowError(expect.objectContaining({ code: 'MODEL_INCOMPATIBLE' }) as Error);
    expect(() => familyOf(json('tiny-multilingual', 'config.json'), {})).toThrowError(/\{vision, text\}/);
  });
});

describe('statedDim', () => {
  it('projection_dim for CLIP, the text width for SigLIP, nothing where the file says nothing', () => {
    expect(statedDim(json('tiny-clip', 'config.json'))).toBe(32);
    expect(statedDim(json('tiny-siglip', 'config.json'))).toBe(64);
    expect(statedDim({ model_type: 'siglip', text_config: { model_type: 'siglip_text_model' } })).toBeUndefined();
    expect(statedDim(json('tiny-mobileclip', 'config.json'))).toBeUndefined();
  });
});
