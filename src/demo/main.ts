// The demo page (for now): loads a model through the public API and shows the embeddings of a
// text and of a picked image, and their cosine similarity. `?model=`, `?device=` and `?dtype=`
// pick them.
import { createClip, cosine, isClipError, type Clip, type Device, type Dtype } from '../index';
import { registerAppShell } from './app-shell';

const params = new URLSearchParams(location.search);
const model = params.get('model') ?? `${import.meta.env.BASE_URL}models/test/`;
const dtypes: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];
const dtypeParam = params.get('dtype');
const dtype = dtypes.find((d) => d === dtypeParam) ?? 'auto';
const devices: readonly Device[] = ['webgpu', 'wasm'];
const deviceParam = params.get('device');
const device = devices.find((d) => d === deviceParam) ?? 'auto';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};
const status = $<HTMLParagraphElement>('status');
const textInput = $<HTMLInputElement>('text');
const embedTextButton = $<HTMLButtonElement>('embed-text');
const imageInput = $<HTMLInputElement>('image');
const results = $<HTMLDListElement>('results');
const similarity = $<HTMLParagraphElement>('similarity');

const latest: { text?: Float32Array; image?: Float32Array } = {};

/** What the page last computed, for scripts and tests (the page's only global). */
declare global {
  interface Window {
    webclipDemo?: { info: Clip['info']; text?: number[]; image?: number[] };
  }
}

function show(kind: 'text' | 'image', label: string, vector: Float32Array): void {
  latest[kind] = vector;
  let dt = results.querySelector<HTMLElement>(`dt[data-kind="${kind}"]`);
  let dd = results.querySelector<HTMLElement>(`dd[data-kind="${kind}"]`);
  if (!dt || !dd) {
    dt = document.createElement('dt');
    dd = document.createElement('dd');
    dt.dataset.kind = dd.dataset.kind = kind;
    results.append(dt, dd);
  }
  dt.textContent = `${kind}: ${label} (${vector.length} dimensions)`;
  const head = Array.from(vector.slice(0, 8), (x) => x.toFixed(4)).join(', ');
  dd.textContent = `[${head}, …]`;
  if (window.webclipDemo) window.webclipDemo[kind] = Array.from(vector);
  if (latest.text && latest.image) {
    similarity.textContent = `cosine similarity of text and image: ${cosine(latest.text, latest.image).toFixed(4)}`;
  }
}

function fail(error: unknown): void {
  status.classList.add('error');
  status.textContent = isClipError(error) ? `${error.code}: ${error.message}` : `Error: ${String(error)}`;
}

async function main(): Promise<void> {
  // Before the model loads, so the worker and onnxruntime's files come through the service
  // worker and are kept: the next visit starts with no network.
  await registerAppShell(import.meta.env.BASE_URL);
  const clip = await createClip({
    model,
    device,
    dtype,
    onProgress: (e) => {
      if (e.phase === 'download' && e.total) status.textContent = `Downloading ${e.file}: ${Math.round((100 * (e.loaded ?? 0)) / e.total)}%`;
      else if (e.message) status.textContent = e.message;
    },
  });
  const { info } = clip;
  window.webclipDemo = { info };
  const backend = info.device === 'webgpu' ? `WebGPU (${info.adapter?.description || info.adapter?.vendor || 'adapter'})` : `WASM, ${info.threads} thread(s)`;
  const why = info.fallbackReason ? ` — ${info.fallbackReason}` : '';
  status.textContent = `Ready: ${backend}, ${info.dtype}, ${info.dim}-d embeddings${why}.`;
  status.dataset.ready = 'true';
  if (model.includes('models/test')) {
    $('model-note').textContent = 'This is the committed test model: real CLIP architecture, random weights. Its similarities mean nothing.';
  }

  const embedText = async (): Promise<void> => {
    const text = textInput.value;
    const [vector] = await clip.embedTexts([text]);
    if (vector) show('text', JSON.stringify(text), vector);
  };
  embedTextButton.addEventListener('click', () => void embedText().catch(fail));
  imageInput.addEventListener('change', () => {
    const file = imageInput.files?.[0];
    if (!file) return;
    void clip
      .embedImages([file])
      .then(([vector]) => vector && show('image', file.name, vector))
      .catch(fail);
  });
  embedTextButton.disabled = false;
  imageInput.disabled = false;
  await embedText();
}

main().catch(fail);
