// A model folder in Hugging Face's ONNX layout, read from disk, as the backend layer reads a
// cached model (ModelFileReader): a missing file is MODEL_NOT_FOUND.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClipError } from '../../src/shared/errors';
import type { ModelFileReader } from '../../src/runtime/backend/backend-build';

export function folderModel(folder: string): ModelFileReader & { json(path: string): unknown } {
  const at = (path: string) => join(folder, path);
  return {
    async read(path) {
      if (!existsSync(at(path))) throw new ClipError('MODEL_NOT_FOUND', `${path} is not in ${folder}`);
      // A copy with its own buffer: ORT may keep or transfer what it is given.
      return new Uint8Array(readFileSync(at(path)));
    },
    has: (path) => existsSync(at(path)),
    size: (path) => (existsSync(at(path)) ? statSync(at(path)).size : undefined),
    json: (path) => JSON.parse(readFileSync(at(path), 'utf8')) as unknown,
  };
}
