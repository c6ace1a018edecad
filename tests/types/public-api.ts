// The public surface, as an app writes against it: compiled by `tsc` (npm test's type check, with
// 'webclip' mapped to src/index.ts) and, in tests/e2e/package.spec.ts, against the declarations
// of the built package. What an app writes compiles; what must not, carries @ts-expect-error
// (which itself fails the build if the line compiles).
import {
  cosine,
  createClip,
  DEFAULT_MODEL,
  DEFAULT_TAGS,
  isClipError,
  modelCache,
  rankLabels,
  rankLabelsBy,
  REGISTRY,
  TAG_CATEGORIES,
  type CachedModel,
  type Clip,
  type ClipInfo,
  type ClipOptions,
  type Library,
  type LibraryInfo,
  type LibrarySummary,
  type ModelFamily,
  type PairedModel,
  type PhotoHit,
  type ProgressEvent,
  type TagScore,
} from 'webclip';
import { ClipTagger, type TaggedPhoto } from 'webclip/element';
import type { WorkerApi } from 'webclip/worker';
// @ts-expect-error The test entry's access is not part of the package.
import { testAccess } from 'webclip';

export async function whatAnAppWrites(file: File, image: HTMLImageElement, signal: AbortSignal): Promise<void> {
  const options: ClipOptions = {
    model: DEFAULT_MODEL,
    device: 'auto',
    dtype: 'q8',
    threads: 2,
    signal,
    onProgress: (event: ProgressEvent) => void event.overall?.total,
  };
  const clip: Clip = await createClip(options);
  const info: ClipInfo = clip.info;
  const dim: number = info.dim;
  const [vector] = await clip.embedImages([file, image, '/photo.jpg'], { signal, onProgress: () => undefined });
  const texts = await clip.embedTexts(['a dog on the beach']);
  const cut: readonly number[] = texts.truncated;
  const scores = await clip.classify(file, ['cat', 'dog'], { templates: ['a photo of a {}.'] });
  const best: string | undefined = scores[0]?.label;
  const labels: Float32Array[] = await clip.embedLabels(['cat', 'dog'], { templates: ['a photo of a {}.'], signal });
  const ranked = rankLabels(vector!, ['cat', 'dog'], labels, info.logitScale);
  const similarity: number = cosine(vector!, texts[0]!);

  const library: Library = await clip.library('photos', { storage: 'int8' });
  await library.add([{ id: 'a.jpg', image: file }], { onProgress: (e) => void e.loaded });
  const hits: PhotoHit[] = await library.search('a red car', { k: 5 });
  const tags: TagScore[] = await library.tag('a.jpg', { vocabulary: DEFAULT_TAGS.slice(0, 10), topK: 3 });
  const libraryInfo: LibraryInfo = await library.info();
  const stored: LibrarySummary[] = await clip.libraries();
  const cached: CachedModel[] = await modelCache.list();
  const categories: readonly string[] = TAG_CATEGORIES.map((c) => c.name);
  const registered: string[] = REGISTRY.map((m) => m.id);

  // model families: a pair of folders, the family and its score rule, the model's duplicate level
  const pair: PairedModel = { vision: 'Xenova/clip-vit-base-patch32', text: 'sentence-transformers/clip-ViT-B-32-multilingual-v1' };
  const paired = await createClip({ model: pair });
  const family: ModelFamily = paired.info.family;
  const byRule = info.scoring ? rankLabelsBy(info.scoring, vector!, ['cat'], labels.slice(0, 1)) : [];
  const duplicateLevel: number = info.duplicateThreshold;
  const sizes = REGISTRY[0]!.sizes.q8?.vision;

  try {
    await clip.embedImages([new Blob(['not an image'])]);
  } catch (error) {
    if (isClipError(error, 'BAD_IMAGE')) void error.failures?.map((f) => f.index);
  }

  const tagger: ClipTagger = document.createElement('clip-tagger');
  const results: TaggedPhoto[] = tagger.results;
  const load: WorkerApi['load'] = (loadOptions) => Promise.resolve({ ...info, model: loadOptions.model.id });

  void [dim, cut, best, ranked, similarity, hits, tags, libraryInfo, stored, cached, categories, registered, results, load, testAccess];
  void [family, byRule, duplicateLevel, sizes, libraryInfo.family];
  await clip.dispose();
}

export async function whatDoesNotCompile(clip: Clip, file: File): Promise<void> {
  // @ts-expect-error Test hooks are not options of the published API.
  await createClip({ model: 'Xenova/clip-vit-base-patch32', testHooks: { corruptWebGpuOutput: true } });
  // @ts-expect-error Nor are the model store's.
  await createClip({ testHooks: { noCache: true } });
  // @ts-expect-error A Clip has no test-only calls.
  await clip.loseDevice();
  // @ts-expect-error The worker API published as webclip/worker has no test-only methods.
  const lose: WorkerApi['loseDeviceForTest'] = () => Promise.resolve();
  // @ts-expect-error Nor test counters.
  const counted: WorkerApi['encodedTexts'] = () => Promise.resolve(0);
  // @ts-expect-error An int8 dtype is named 'q8'.
  await createClip({ dtype: 'int8' });
  // @ts-expect-error Images are files, bitmaps, pixels, elements or URLs; not numbers.
  await clip.embedImages([42]);
  // @ts-expect-error A summary is an API shape, not the IndexedDB record: it has no photo count.
  const count: number = (await clip.libraries())[0]!.count;
  // @ts-expect-error A family is one of those webclip runs, decided from the files.
  const family: ModelFamily = 'resnet';
  // @ts-expect-error A pair names both towers.
  await createClip({ model: { vision: 'Xenova/clip-vit-base-patch32' } });
  void [lose, counted, count, file, family];
}
