// sharp, loaded on first use: an optional peer dependency of webclip, needed by webclip/node only.
import type sharpModule from 'sharp';
import { ClipError } from '../../shared/errors';

type SharpFunction = typeof sharpModule;
let loading: Promise<SharpFunction> | undefined;

export function loadSharp(): Promise<SharpFunction> {
  loading ??= import('sharp').then(
    (m) => ((m as { default?: SharpFunction }).default ?? (m as unknown as SharpFunction)),
    (cause: unknown) => {
      loading = undefined;
      throw new ClipError('BACKEND_UNAVAILABLE', 'webclip/node decodes images with sharp, which is not installed: npm install sharp', { cause });
    },
  );
  return loading;
}
