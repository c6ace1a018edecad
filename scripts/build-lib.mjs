// `npm run build:lib`: the npm package's files in lib/ (see vite.package.config.ts):
// lib/*.js for bundlers, lib/browser/ for pages without one, lib/node/ for Node (webclip/node
// and the `webclip` command), lib/types/ the declarations.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const run = (cmd, args) => {
  const status = spawnSync(cmd, args, { stdio: 'inherit' }).status;
  if (status !== 0) process.exit(status ?? 1);
};
const bin = (name) => join('node_modules', '.bin', name);

rmSync('lib', { recursive: true, force: true });
run(bin('vite'), ['build', '-c', 'vite.package.config.ts', '--logLevel', 'warn']);
run(bin('vite'), ['build', '-c', 'vite.package.config.ts', '--mode', 'browser', '--logLevel', 'warn']);
// Node's build: ES modules with every package left an import (onnxruntime-node, sharp,
// onnxruntime-web… resolve from the app's node_modules), chunks shared by the entries. The
// image worker is an entry of its own: image-pool.ts starts lib/node/image-worker.js by name.
await build({
  entryPoints: { index: 'src/node/index.ts', webclip: 'src/cli/webclip.ts', 'image-worker': 'src/node/images/image-worker.ts' },
  outdir: 'lib/node',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
run(bin('tsc'), ['-p', 'tsconfig.lib.json']);

// The sources import without extensions (moduleResolution "bundler"); declarations with
// explicit `.js` / `/index.js` specifiers also resolve under "node16"/"nodenext".
const SPECIFIER = /(\bfrom\s+|\bimport\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;
function withExtension(file, specifier) {
  if (/\.(js|mjs|cjs|json)$/.test(specifier)) return specifier;
  const target = resolve(dirname(file), specifier);
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier}/index.js`;
  throw new Error(`${file}: cannot resolve the declaration import ${specifier}`);
}
function fixDeclarations(dir) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) fixDeclarations(file);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(file, 'utf8');
      const fixed = text.replace(SPECIFIER, (_, lead, quote, spec) => `${lead}${quote}${withExtension(file, spec)}${quote}`);
      if (fixed !== text) writeFileSync(file, fixed);
    }
  }
}
fixDeclarations('lib/types');

// tsc declares every module the entries reach, the runtime behind the engine included; the
// package keeps only those the entries' declarations import (the public surface).
const ENTRIES = ['src/index.d.ts', 'src/element/index.d.ts', 'src/shared/worker-api.d.ts', 'src/node/index.d.ts'];
function pruneDeclarations(root) {
  const kept = new Set();
  const queue = ENTRIES.map((f) => join(root, f));
  while (queue.length > 0) {
    const file = queue.pop();
    if (kept.has(file)) continue;
    kept.add(file);
    for (const [, , , spec] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.d.ts')));
  }
  const visit = (dir) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) {
        visit(file);
        if (readdirSync(file).length === 0) rmSync(file, { recursive: true });
      } else if (!kept.has(resolve(file))) rmSync(file);
    }
  };
  visit(root);
}
pruneDeclarations(resolve('lib/types'));
console.log('webclip: lib/ built (bundler modules, lib/browser/, lib/node/, lib/types/).');
