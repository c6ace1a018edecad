// What `--model` / `createClip({model})` names in Node: a registry id, a Hub repository or an
// http(s) folder URL (downloaded into the cache folder), or a model folder on disk (read in place).
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_MODEL, resolveModel } from '../../core/model/registry';
import { ClipError } from '../../shared/errors';
import type { ResolvedModel } from '../../shared/wire';

/** The cache folder: $WEBCLIP_CACHE, else ~/.cache/webclip (XDG_CACHE_HOME honoured). */
export function defaultCacheDir(): string {
  const env = process.env;
  return env['WEBCLIP_CACHE'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'webclip');
}

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/**
 * The model's id (what libraries record: pages must load the model under the same id to import
 * them; `modelId` overrides it) and source. A folder's source is its file: URL.
 */
export function resolveNodeModel(model: string | undefined, modelId?: string): ResolvedModel {
  if (modelId !== undefined && (typeof modelId !== 'string' || modelId === '')) throw new ClipError('BAD_INPUT', 'modelId must be a non-empty string');
  const name = model ?? DEFAULT_MODEL;
  if (typeof name !== 'string' || name === '') throw new ClipError('BAD_INPUT', 'model must be a registry id, a Hub repository, a URL or a folder');
  let resolved: ResolvedModel;
  if (/^https?:\/\//i.test(name)) {
    resolved = resolveModel(name, 'http://localhost/');
  } else if (name.startsWith('file:') || isDirectory(name) || name.startsWith('.') || name.startsWith('/')) {
    const folder = name.startsWith('file:') ? new URL(name).pathname : resolve(name);
    if (!isDirectory(folder)) throw new ClipError('MODEL_NOT_FOUND', `the model folder ${folder} does not exist`);
    const url = pathToFileURL(folder).href.replace(/\/?$/, '/');
    resolved = { id: url, source: { kind: 'url', baseUrl: url } };
  } else {
    resolved = resolveModel(name, 'http://localhost/');
  }
  return modelId === undefined ? resolved : { ...resolved, id: modelId };
}
