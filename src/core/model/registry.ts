// Known models, and what `createClip({model})` names: a registry id, a Hub repository, a folder
// URL or picked files, each resolved to a cache id and a source.
import { ClipError } from '../../shared/errors';
import type { Dtype } from '../../shared/clip';
import type { ModelInput, PairedModel, RegistryModel, TowerSizes } from '../../shared/models';
import type { ResolvedModel } from '../../shared/wire';
import { DTYPES, modelFile } from './model-files';

export const HUB_URL = 'https://huggingface.co/';

const CLIP_TEXT = { fp32: 254, fp16: 127, q8: 64.5 };
const MOBILECLIP_TEXT = { fp32: 254, fp16: 127, q8: 64.1, q4: 126 };

function pairsOf(vision: Partial<Record<Dtype, number>>, text: Partial<Record<Dtype, number>>): Partial<Record<Dtype, TowerSizes>> {
  const out: Partial<Record<Dtype, TowerSizes>> = {};
  for (const d of DTYPES) {
    const v = vision[d];
    const t = text[d];
    if (v !== undefined && t !== undefined) out[d] = { vision: v, text: t };
  }
  return out;
}

/**
 * `tried: 'listed'`: the dtypes whose files a checked listing showed (models new to webclip);
 * `'all'`: every dtype of the layout, each falling to the next file that exists, as for any
 * folder -- for the models webclip always loaded so, whose newest listings were not all seen
 * (ViT-B/32's q4 files, if the repository gained them, must stay reachable).
 */
function entry(model: Omit<RegistryModel, 'dtypes'>, tried: 'listed' | 'all'): RegistryModel {
  const listed = DTYPES.filter((d) => model.sizes[d] !== undefined);
  return { ...model, dtypes: tried === 'all' || listed.length === 0 ? DTYPES : listed };
}

export const REGISTRY: readonly RegistryModel[] = [
  entry({
    id: 'Xenova/clip-vit-base-patch32',
    repo: 'Xenova/clip-vit-base-patch32',
    family: 'clip',
    description: 'OpenAI CLIP ViT-B/32: the fastest ViT; 89 + 65 MB at q8',
    // sizes from the listing at commit 4c1807b (fp32, fp16, q8); later q4 files would be found too
    dim: 512,
    languages: 'en',
    sizes: pairsOf({ fp32: 352, fp16: 176, q8: 89.1 }, CLIP_TEXT),
  }, 'all'),
  entry({
    id: 'Xenova/clip-vit-base-patch16',
    repo: 'Xenova/clip-vit-base-patch16',
    family: 'clip',
    description: 'OpenAI CLIP ViT-B/16: finer patches, more accurate, about 4× the image compute of B/32',
    dim: 512,
    languages: 'en',
    sizes: pairsOf({ fp32: 345.1, q8: 87.5 }, { fp32: 254.1, q8: 64.5 }),
  }, 'all'),
  entry({
    id: 'Xenova/clip-vit-large-patch14',
    repo: 'Xenova/clip-vit-large-patch14',
    family: 'clip',
    description: 'OpenAI CLIP ViT-L/14: the most accurate CLIP; 307 + 125 MB at q8, slow on WASM',
    dim: 768,
    languages: 'en',
    // the listing at commit cb711f7 ("Upload fp16 ONNX weights")
    sizes: pairsOf({ fp32: 1220, fp16: 609, q8: 307 }, { fp32: 495, fp16: 248, q8: 125 }),
  }, 'all'),
  entry({
    id: 'Xenova/mobileclip_s0',
    repo: 'Xenova/mobileclip_s0',
    family: 'mobileclip',
    description: 'Apple MobileCLIP-S0: the smallest, an 11 M-parameter image tower, 67.8 % ImageNet zero-shot (B/32: 63 %)',
    dim: 512,
    languages: 'en',
    // its listing was not seen here: every dtype of the layout is tried, as for any folder
    sizes: {},
  }, 'all'),
  entry({
    id: 'Xenova/mobileclip_s1',
    repo: 'Xenova/mobileclip_s1',
    family: 'mobileclip',
    description: 'Apple MobileCLIP-S1: a convolutional image tower, 72.6 % ImageNet zero-shot (B/32: 63 %)',
    dim: 512,
    languages: 'en',
    sizes: pairsOf({ fp32: 86, fp16: 43.2, q8: 22.4, q4: 70.1 }, MOBILECLIP_TEXT),
  }, 'listed'),
  entry({
    id: 'Xenova/mobileclip_s2',
    repo: 'Xenova/mobileclip_s2',
    family: 'mobileclip',
    description: 'Apple MobileCLIP-S2: 74.4 % ImageNet zero-shot; 37 + 64 MB at q8',
    dim: 512,
    languages: 'en',
    sizes: pairsOf({ fp32: 143, fp16: 71.7, q8: 36.7, q4: 119 }, MOBILECLIP_TEXT),
  }, 'listed'),
  entry({
    id: 'Xenova/mobileclip_b',
    repo: 'Xenova/mobileclip_b',
    family: 'mobileclip',
    description: 'Apple MobileCLIP-B: 76.8 % ImageNet zero-shot, a ViT-B/16-sized image tower',
    dim: 512,
    languages: 'en',
    sizes: pairsOf({ fp32: 346, fp16: 173, q8: 87.5, q4: 57.6 }, MOBILECLIP_TEXT),
  }, 'listed'),
  entry({
    id: 'Xenova/siglip-base-patch16-224',
    repo: 'Xenova/siglip-base-patch16-224',
    family: 'siglip',
    description: 'Google SigLIP base/16 at 224 px: per-label probabilities (sigmoid); 100 + 111 MB at q8',
    dim: 768,
    languages: 'en',
    sizes: pairsOf({ fp32: 372, fp16: 186, q8: 99.5 }, { fp32: 441, fp16: 221, q8: 111 }),
  }, 'listed'),
  entry({
    id: 'onnx-community/siglip2-base-patch16-224-ONNX',
    repo: 'onnx-community/siglip2-base-patch16-224-ONNX',
    family: 'siglip2',
    description: 'Google SigLIP 2 base/16 at 224 px: multilingual Gemma tokenizer (a 34 MB tokenizer.json)',
    dim: 768,
    languages: 'multilingual',
    sizes: { fp16: { vision: 186.0, text: 564.9 } },
    extraMB: 34.4,
  }, 'listed'),
  entry({
    id: 'clip-vit-base-patch32-multilingual-v1',
    repo: 'Xenova/clip-vit-base-patch32',
    textRepo: 'sentence-transformers/clip-ViT-B-32-multilingual-v1',
    family: 'clip+multilingual-text',
    description: 'CLIP ViT-B/32 photos searched in 50+ languages: its image tower with the multilingual text tower distilled into its space',
    dim: 512,
    languages: '50+ languages',
    sizes: pairsOf({ fp32: 352, q8: 89.1 }, { fp32: 539, q8: 135 }),
  }, 'listed'),
];

export const DEFAULT_MODEL = 'Xenova/clip-vit-base-patch32';

const HUB_REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export const registryBaseUrl = (model: RegistryModel): string => `${HUB_URL}${model.repo}/resolve/main/`;

function isPair(model: ModelInput): model is PairedModel {
  return typeof model === 'object' && model !== null && !Array.isArray(model) && !(typeof FileList !== 'undefined' && model instanceof FileList) && 'vision' in model;
}

/** Files of a picked model folder, keyed by their path inside it ('onnx/vision_model.onnx'). */
function resolveFiles(files: readonly File[]): ResolvedModel {
  if (files.length === 0) throw new ClipError('BAD_INPUT', 'no files were picked');
  const byPath: Record<string, File> = {};
  const roots = new Set<string>();
  for (const file of files) {
    // A folder picker names files 'folder/onnx/x.onnx'; a plain multi-file picker just 'x.onnx'.
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    const root = slash >= 0 && file.webkitRelativePath ? relative.slice(0, slash) : '';
    roots.add(root);
    byPath[root ? relative.slice(slash + 1) : relative] = file;
  }
  if (!byPath['config.json']) {
    throw new ClipError('MODEL_NOT_FOUND', 'the picked files have no config.json: pick the model folder itself (the one holding config.json and onnx/)');
  }
  const name = roots.size === 1 ? [...roots][0] || 'files' : 'files';
  // Files in the same folder again are the same model: the cache keys on name and sizes.
  const sizes = modelFileSizes(byPath);
  return { id: `local:${name}:${sizes}`, source: { kind: 'files', files: byPath } };
}

function modelFileSizes(files: Record<string, File>): string {
  return ['vision', 'text']
    .flatMap((tower) => DTYPES.map((d) => files[modelFile(tower as 'vision' | 'text', d)]?.size ?? 0))
    .reduce((a, b) => a + b, 0)
    .toString(36);
}

/**
 * The cache id and source of a model. `base` resolves relative URLs (the page's address).
 * Only http(s) URLs are fetched: a `javascript:` or `data:` model URL is refused.
 */
export function resolveModel(model: ModelInput | undefined, base: string): ResolvedModel {
  if (model === undefined) model = DEFAULT_MODEL;
  if (isPair(model)) {
    const vision = resolveModel(model.vision, base);
    const text = resolveModel(model.text, base);
    if (vision.text || text.text) throw new ClipError('BAD_INPUT', 'model.vision and model.text must each be one folder, not a pair');
    return { ...vision, text };
  }
  if (typeof model !== 'string') return resolveFiles(Array.from(model));
  if (model === '') throw new ClipError('BAD_INPUT', 'model must be a registry id, a folder URL or picked files');
  const known = REGISTRY.find((m) => m.id === model);
  if (known?.textRepo) {
    const vision = resolveModel(known.repo, base);
    const text: ResolvedModel = { id: known.textRepo, source: { kind: 'url', baseUrl: `${HUB_URL}${known.textRepo}/resolve/main/` } };
    return { ...vision, dtypes: known.dtypes, text };
  }
  if (known) return { id: known.id, source: { kind: 'url', baseUrl: registryBaseUrl(known) }, dtypes: known.dtypes };
  // 'owner/name' is a Hugging Face repository (a relative folder is written './models/x/').
  if (HUB_REPO.test(model)) return { id: model, source: { kind: 'url', baseUrl: `${HUB_URL}${model}/resolve/main/` } };
  let url: URL;
  try {
    url = new URL(model, base);
  } catch (cause) {
    throw new ClipError('BAD_INPUT', `model ${JSON.stringify(model)} is neither a known model id nor a URL`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClipError('BAD_INPUT', `model URLs must be http(s); ${url.protocol} is refused`);
  }
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { id: url.href, source: { kind: 'url', baseUrl: url.href } };
}
