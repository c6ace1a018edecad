// The layers hold (docs/architecture.md): every import of src/ is read and resolved, and each
// layer may only reach the ones below it. The page bundle of the built package is checked in
// tests/e2e/package.spec.ts; this is the source-level rule, fast enough for every run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

interface Import {
  /** Repository path of the imported module, or the package name. */
  readonly target: string;
  readonly isPackage: boolean;
  readonly typeOnly: boolean;
}

// Static imports and re-exports, dynamic imports, and worker URLs (`new URL('…', import.meta.url)`).
const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new\s+URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url/g;

function resolveFile(from: string, specifier: string): string {
  const base = join(dirname(from), specifier);
  // A built module's name ('./image-worker.js', beside its chunk in lib/node/) is its source's.
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) {
    try {
      if (statSync(candidate).isFile()) return relative(ROOT, candidate);
    } catch {
      // not this one
    }
  }
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${specifier}`);
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const specifier = m[3] ?? m[4] ?? m[5]!;
    const typeOnly = m[2] !== undefined;
    if (specifier.startsWith('.')) out.push({ target: resolveFile(file, specifier), isPackage: false, typeOnly });
    else out.push({ target: specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!, isPackage: true, typeOnly });
  }
  return out;
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(ROOT, path), imports: importsOf(path) }));
const inside = (folder: string) => files.filter((f) => f.path.startsWith(`src/${folder}/`));
const under = (target: string, ...folders: string[]) => folders.some((folder) => target.startsWith(`src/${folder}/`));

/** Every import of these files that breaks `allowed`, as "file → target". */
function violations(group: typeof files, allowed: (i: Import, file: string) => boolean): string[] {
  return group.flatMap((f) => f.imports.filter((i) => !allowed(i, f.path)).map((i) => `${f.path} → ${i.target}`));
}

describe('the layers', () => {
  it('reads the imports it judges', () => {
    expect(files.length).toBeGreaterThan(90);
    const textTower = files.find((f) => f.path === 'src/runtime/engine/text-tower.ts')!;
    expect(textTower.imports.map((i) => i.target)).toContain('src/core/text/tokenizer.ts');
    const connection = files.find((f) => f.path === 'src/page/clip-worker.ts')!;
    expect(connection.imports.map((i) => i.target)).toContain('src/worker/clip.worker.ts');
  });

  it('the contract (src/shared) imports nothing but itself, and comlink for its transfer handlers', () => {
    expect(violations(inside('shared'), (i, file) => (i.isPackage ? i.target === 'comlink' && file === 'src/shared/transfer-handlers.ts' : under(i.target, 'shared')))).toEqual([]);
  });

  it('core imports nothing outside core but the contract, and no package', () => {
    const packageFree = new Set(inside('shared').filter((f) => f.imports.every((i) => !i.isPackage)).map((f) => f.path));
    expect(violations(inside('core'), (i) => !i.isPackage && (under(i.target, 'core') || packageFree.has(i.target)))).toEqual([]);
  });

  it('the page side never reaches the runtime (not even for a type); only the worker entry, by URL', () => {
    expect(violations(inside('page'), (i, file) => {
      if (i.isPackage) return i.target === 'comlink';
      if (i.target === 'src/worker/clip.worker.ts') return file === 'src/page/clip-worker.ts';
      return under(i.target, 'shared', 'core', 'page');
    })).toEqual([]);
  });

  it('the runtime knows the core, the contract, ORT, IndexedDB and the tokenizer library; not the page, the worker entries or comlink', () => {
    expect(violations(inside('runtime'), (i) => {
      if (i.isPackage) return ['onnxruntime-web', 'idb-keyval', '@huggingface/tokenizers'].includes(i.target);
      if (i.target === 'src/worker/chunk-reader.worker.ts') return true; // started by URL, off-thread reads
      return under(i.target, 'shared', 'core', 'runtime');
    })).toEqual([]);
  });

  it('the worker entries serve the runtime; they never import the page side', () => {
    expect(violations(inside('worker'), (i) => (i.isPackage ? i.target === 'comlink' : under(i.target, 'shared', 'core', 'runtime', 'worker')))).toEqual([]);
  });

  it('the element and the demo use the public API only', () => {
    const apps = [...inside('element'), ...inside('demo')];
    expect(violations(apps, (i, file) => {
      if (i.isPackage) return file.startsWith('src/demo/') && i.target === 'idb-keyval'; // the demo's own preview store
      return i.target === 'src/index.ts' || dirname(i.target) === dirname(file);
    })).toEqual([]);
  });

  it('webclip/node (src/node) runs the runtime on its own platform; it never reaches the page side, the worker entries or DOM code', () => {
    const packages = ['onnxruntime-node', 'onnxruntime-web', 'sharp', 'apache-arrow', 'parquet-wasm'];
    expect(violations(inside('node'), (i) => (i.isPackage ? i.target.startsWith('node:') || packages.includes(i.target) : under(i.target, 'shared', 'core', 'runtime', 'node')))).toEqual([]);
  });

  it('the command (src/cli) stands on webclip/node; nothing else imports the command or webclip/node', () => {
    const allowed = (i: Import) => (i.isPackage ? i.target.startsWith('node:') : i.target === 'package.json' /* --version */ || under(i.target, 'shared', 'core', 'runtime', 'node', 'cli'));
    expect(violations(inside('cli'), allowed)).toEqual([]);
    const others = files.filter((f) => !f.path.startsWith('src/node/') && !f.path.startsWith('src/cli/'));
    expect(violations(others, (i) => !under(i.target, 'node', 'cli'))).toEqual([]);
  });

  it('the test entry (src/testing) is reached by nothing that ships', () => {
    const shipped = files.filter((f) => !f.path.startsWith('src/testing/'));
    expect(violations(shipped, (i) => !under(i.target, 'testing'))).toEqual([]);
  });

  it('no source folder holds more than 15 files', () => {
    const counts = new Map<string, number>();
    for (const path of sourceFiles(SRC).concat(readdirSync(SRC, { recursive: true }).map(String).filter((p) => !/\.ts$/.test(p)).map((p) => join(SRC, p)).filter((p) => statSync(p).isFile())))
      counts.set(dirname(relative(ROOT, path)), (counts.get(dirname(relative(ROOT, path))) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 15)).toEqual([]);
  });
});
