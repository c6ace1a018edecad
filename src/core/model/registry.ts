// Known models, and what `createClip({model})` names: a registry id, a Hub repository, a folder
// URL or picked files, each resolved to a cache id and a source.
import { ClipError } from '../../shared/errors';
import type { ModelInput, RegistryModel } from '../../shared/models';
import type { ResolvedModel } from '../../shared/wire';
import { DTYPES, modelFile } from './model-files';

export const HUB_URL = 'https://huggingface.co/';

export const REGISTRY: readonly RegistryModel[] = [
  {
    id: 'Xenova/clip-vit-base-patch32',
    repo: 'Xenova/clip-vit-base-patch32',
    description: 'OpenAI CLIP ViT-B/32: the fastest; about 88 MB at q8 for both towers',
    dim: 512,
    dtypes: DTYPES,
  },
  {
    id: 'Xenova/clip-vit-base-patch16',
    repo: 'Xenova/clip-vit-base-patch16',
    description: 'OpenAI CLIP ViT-B/16: finer patches, more accurate, about 4× the image compute of B/32',
    dim: 512,
    dtypes: DTYPES,
  },
  {
    id: 'Xenova/clip-vit-large-patch14',
    repo: 'Xenova/clip-vit-large-patch14',
    description: 'OpenAI CLIP ViT-L/14: the most accurate; about 430 MB at q8, slow on WASM',
    dim: 768,
    dtypes: DTYPES,
  },
];

export const DEFAULT_MODEL = 'Xenova/clip-vit-base-patch32';

const HUB_REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export const registryBaseUrl = (model: RegistryModel): string => `${HUB_URL}${model.repo}/resolve/main/`;

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
  if (typeof model !== 'string') return resolveFiles(Array.from(model));
  if (model === '') throw new ClipError('BAD_INPUT', 'model must be a registry id, a folder URL or picked files');
  const known = REGISTRY.find((m) => m.id === model);
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
