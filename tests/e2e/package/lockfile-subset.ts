// A package-lock.json for a fresh app, cut out of webclip's own lock: the app's dependencies
// (vite, typescript, …) at the exact versions webclip's lock pins, plus webclip from a packed
// tarball. With every tarball already in the npm cache (webclip's own `npm ci` put them there),
// `npm ci --offline` installs the app without the network.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optional?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** Where Node would find `name` required from the package installed at `from` ('' = the app). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

export interface AppLockOptions {
  /** webclip's package-lock.json. */
  lock: Lockfile;
  /** The app's dependencies, by name, taken at the versions `lock` pins. */
  dependencies: readonly string[];
  devDependencies: readonly string[];
  /** The packed webclip tarball, placed in the app's folder. */
  tarball: string;
}

export interface AppPackage {
  packageJson: Record<string, unknown>;
  lock: Lockfile;
}

export function appLockfile({ lock, dependencies, devDependencies, tarball }: AppLockOptions): AppPackage {
  const source = lock.packages;
  const webclipManifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    bin?: Record<string, string>;
  };
  const packages: Record<string, LockEntry> = {};
  const pinned = (name: string): string => {
    const entry = source[`node_modules/${name}`];
    if (!entry?.version) throw new Error(`${name} is not in webclip's package-lock.json`);
    return entry.version;
  };
  const tarballFile = `file:${basename(tarball)}`;
  const root = {
    name: 'webclip-app',
    version: '0.0.0',
    dependencies: { webclip: tarballFile, ...Object.fromEntries(dependencies.map((n) => [n, pinned(n)])) },
    devDependencies: Object.fromEntries(devDependencies.map((n) => [n, pinned(n)])),
  };
  packages[''] = { ...root };
  packages['node_modules/webclip'] = {
    version: webclipManifest.version,
    resolved: tarballFile,
    integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
    dependencies: webclipManifest.dependencies,
    // npm ci links the executables the lock lists (the `webclip` command).
    ...(webclipManifest.bin ? { bin: webclipManifest.bin } : {}),
  };
  // Walk the dependency graph from the app's direct dependencies and webclip's.
  const queue: [from: string, name: string, optional: boolean][] = [
    ...[...dependencies, ...devDependencies].map((n): [string, string, boolean] => ['', n, false]),
    ...Object.keys(webclipManifest.dependencies).map((n): [string, string, boolean] => ['node_modules/webclip', n, false]),
  ];
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift()!;
    const path = resolveIn(source, from, name);
    if (!path) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${from || 'the app'}) is not in webclip's package-lock.json`);
    }
    if (packages[path]) continue;
    // Which of webclip's own dependency groups an entry came from says nothing about the app's.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = source[path]!;
    packages[path] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([path, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([path, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      queue.push([path, dep, entry.peerDependenciesMeta?.[dep]?.optional === true]);
    }
  }
  return {
    packageJson: { ...root, private: true, type: 'module' },
    lock: { name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages },
  };
}
