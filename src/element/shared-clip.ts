// One Clip (one worker, one model) per model/device/dtype for every <clip-tagger> on the page: a
// second element waits for the first one's load.
import { createClip, type Clip, type ClipOptions } from '../index';

export interface SharedClipKey {
  readonly model: string;
  readonly device: NonNullable<ClipOptions['device']>;
  readonly dtype: NonNullable<ClipOptions['dtype']>;
}

const shared = new Map<string, Promise<Clip>>();
const listeners = new Map<string, Set<NonNullable<ClipOptions['onProgress']>>>();

/** The page's Clip for this key, loading it on first use; a failed load is forgotten (the next call retries). */
export function sharedClip(key: SharedClipKey, onProgress?: ClipOptions['onProgress']): Promise<Clip> {
  const id = JSON.stringify([key.model, key.device, key.dtype]);
  let progress = listeners.get(id);
  if (!progress) listeners.set(id, (progress = new Set()));
  if (onProgress) progress.add(onProgress);
  let clip = shared.get(id);
  if (!clip) {
    const fanOut = progress;
    clip = createClip({ model: key.model, device: key.device, dtype: key.dtype, onProgress: (event) => fanOut.forEach((f) => f(event)) });
    shared.set(id, clip);
    clip.catch(() => shared.delete(id));
  }
  const done = () => onProgress && progress.delete(onProgress);
  clip.then(done, done);
  return clip;
}
