import { describe, expect, it } from 'vitest';
import { ClipError } from '../../../src/shared/errors';
import { DEFAULT_MODEL, HUB_URL, REGISTRY, resolveModel } from '../../../src/core/model/registry';

const PAGE = 'http://127.0.0.1:5174/app/index.html';
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof ClipError ? e.code : String(e);
  }
  return 'no error';
};

describe('resolveModel', () => {
  it('knows the registry models, the first the default, each from the Hub', () => {
    expect(REGISTRY.map((m) => m.id)).toEqual([
      'Xenova/clip-vit-base-patch32', 'Xenova/clip-vit-base-patch16', 'Xenova/clip-vit-large-patch14',
      'Xenova/mobileclip_s0', 'Xenova/mobileclip_s1', 'Xenova/mobileclip_s2', 'Xenova/mobileclip_b',
      'Xenova/siglip-base-patch16-224', 'onnx-community/siglip2-base-patch16-224-ONNX',
      'clip-vit-base-patch32-multilingual-v1',
    ]);
    expect(DEFAULT_MODEL).toBe('Xenova/clip-vit-base-patch32');
    const resolved = resolveModel(undefined, PAGE);
    expect(resolved.id).toBe(DEFAULT_MODEL);
    // Nothing is fetched here: only where the files would come from.
    expect(new URL(HUB_URL).protocol).toBe('https:');
    expect(resolved.source).toEqual({ kind: 'url', baseUrl: `${HUB_URL}Xenova/clip-vit-base-patch32/resolve/main/` });
    expect(resolved.dtypes).toContain('q8');
  });

  it('states each entry\'s family, languages and download size per dtype; the dtypes are those listed', () => {
    for (const m of REGISTRY) {
      expect(m.family).toMatch(/^(clip|mobileclip|siglip|siglip2|clip\+multilingual-text)$/);
      expect(m.languages).not.toBe('');
      expect(m.dim).toBeGreaterThan(0);
      for (const d of Object.keys(m.sizes)) expect(m.dtypes).toContain(d);
      for (const size of Object.values(m.sizes)) {
        expect(size!.vision).toBeGreaterThan(1);
        expect(size!.text).toBeGreaterThan(1);
      }
    }
    // the issue's correction: ViT-B/32's q8 towers are 89 + 65 MB, not "about 88 MB for both"
    const b32 = REGISTRY.find((m) => m.id === 'Xenova/clip-vit-base-patch32')!;
    expect(b32.sizes.q8).toEqual({ vision: 89.1, text: 64.5 });
    // its listing seen (fp32, fp16, q8) may predate q4 files: every dtype stays tried, q4 first on WebGPU
    expect(b32.dtypes).toEqual(['fp32', 'fp16', 'q8', 'q4', 'q4f16']);
    // a family new to webclip tries only what its listing holds (no 404s for files it lacks)
    expect(REGISTRY.find((m) => m.id === 'Xenova/siglip-base-patch16-224')!.dtypes).toEqual(['fp32', 'fp16', 'q8']);
  });

  it('resolves a pair: the image tower\'s folder and id, the text tower\'s own', () => {
    const pair = resolveModel({ vision: 'Xenova/clip-vit-base-patch32', text: '/models/multilingual/' }, PAGE);
    expect(pair.id).toBe('Xenova/clip-vit-base-patch32');
    expect(pair.text).toEqual({ id: 'http://127.0.0.1:5174/models/multilingual/', source: { kind: 'url', baseUrl: 'http://127.0.0.1:5174/models/multilingual/' } });
    const known = resolveModel('clip-vit-base-patch32-multilingual-v1', PAGE);
    expect(known.id).toBe('Xenova/clip-vit-base-patch32');
    expect(known.text?.source).toEqual({ kind: 'url', baseUrl: `${HUB_URL}sentence-transformers/clip-ViT-B-32-multilingual-v1/resolve/main/` });
    expect(known.dtypes).toEqual(['fp32', 'q8']);
    expect(codeOf(() => resolveModel({ vision: 'javascript:x', text: 'a/b' }, PAGE))).toBe('BAD_INPUT');
  });

  it('takes any Hub repository as owner/name', () => {
    expect(resolveModel('someone/clip-finetune', PAGE)).toEqual({
      id: 'someone/clip-finetune',
      source: { kind: 'url', baseUrl: `${HUB_URL}someone/clip-finetune/resolve/main/` },
    });
  });

  it('resolves folder URLs against the page, with one trailing slash and no query, as the cache id', () => {
    expect(resolveModel('/models/test', PAGE).id).toBe('http://127.0.0.1:5174/models/test/');
    expect(resolveModel('./models/test/?v=2#x', PAGE).id).toBe('http://127.0.0.1:5174/app/models/test/');
    expect(resolveModel('http://127.0.0.1:5175/clip/', PAGE).source).toEqual({ kind: 'url', baseUrl: 'http://127.0.0.1:5175/clip/' });
  });

  it('refuses schemes other than http(s), and empty input', () => {
    expect(codeOf(() => resolveModel('javascript:alert(1)', PAGE))).toBe('BAD_INPUT');
    expect(codeOf(() => resolveModel('data:application/json,{}', PAGE))).toBe('BAD_INPUT');
    expect(codeOf(() => resolveModel('file:///etc/', PAGE))).toBe('BAD_INPUT');
    expect(codeOf(() => resolveModel('', PAGE))).toBe('BAD_INPUT');
    expect(codeOf(() => resolveModel([], PAGE))).toBe('BAD_INPUT');
  });

  it('takes the files of a picked folder by their path inside it', () => {
    const file = (path: string, size: number) => {
      const f = new File([new Uint8Array(size)], path.split('/').pop()!);
      Object.defineProperty(f, 'webkitRelativePath', { value: path });
      return f;
    };
    const files = [file('clip/config.json', 3), file('clip/onnx/vision_model.onnx', 10), file('clip/onnx/text_model.onnx', 7)];
    const resolved = resolveModel(files, PAGE);
    expect(resolved.id).toMatch(/^local:clip:/);
    expect(resolved.source.kind).toBe('files');
    if (resolved.source.kind === 'files') expect(Object.keys(resolved.source.files).sort()).toEqual(['config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx']);
    // Same folder, same id: loading it again reads the cache.
    expect(resolveModel(files, PAGE).id).toBe(resolved.id);
    expect(codeOf(() => resolveModel([file('clip/onnx/vision_model.onnx', 1)], PAGE))).toBe('MODEL_NOT_FOUND');
  });
});
