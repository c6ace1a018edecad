// What a page loads of a built webclip: an entry module (lib/webclip.js, lib/element.js, or the
// same in lib/browser/) and every chunk it imports, statically or not, but not the workers it
// starts by URL. Read back from the files and their source maps.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface PageBundle {
  /** The JavaScript files, relative to the build folder. */
  readonly files: string[];
  /** Source modules inside them (repository paths, or node_modules/<package>/…), from the source maps. */
  readonly modules: string[];
  /** Packages the files still import by name (left to the app's bundler). */
  readonly packageImports: string[];
  readonly bytes: number;
  readonly gzipBytes: number;
}

const IMPORTS = /(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]*?\bfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

export function pageBundle(buildDir: string, entry: string, repoRoot: string): PageBundle {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = normalize(pending.pop()!);
    if (files.includes(file)) continue;
    files.push(file);
    const code = readFileSync(join(buildDir, file), 'utf8');
    for (const m of code.matchAll(IMPORTS)) {
      const specifier = m[1] ?? m[2]!;
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  const modules = new Set<string>();
  let bytes = 0;
  const gzipped: Buffer[] = [];
  for (const file of files) {
    const code = readFileSync(join(buildDir, file));
    bytes += code.length;
    gzipped.push(code);
    if (!existsSync(join(buildDir, `${file}.map`))) {
      // A facade that only re-exports its chunks has no map; anything else must have one.
      if (code.toString('utf8').split('\n').every((line) => /^\s*$|^(import|export)\b/.test(line))) continue;
      throw new Error(`${file} has no source map`);
    }
    const map = JSON.parse(readFileSync(join(buildDir, `${file}.map`), 'utf8')) as { sources: string[] };
    for (const source of map.sources) {
      const path = relative(repoRoot, join(buildDir, dirname(file), source)).replace(/\\/g, '/');
      // A package's path from its own node_modules folder on: the same wherever it was installed.
      const inPackage = path.lastIndexOf('node_modules/');
      modules.add(inPackage >= 0 ? path.slice(inPackage) : path);
    }
  }
  return {
    files,
    modules: [...modules].sort(),
    packageImports: [...packages].sort(),
    bytes,
    gzipBytes: gzipSync(Buffer.concat(gzipped), { level: 9 }).length,
  };
}
