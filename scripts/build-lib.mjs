// `npm run build:lib`: the npm package's files in lib/ (see vite.package.config.ts):
// lib/*.js for bundlers, lib/browser/ for pages without one, lib/types/ the declarations.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const run = (cmd, args) => {
  const status = spawnSync(cmd, args, { stdio: 'inherit' }).status;
  if (status !== 0) process.exit(status ?? 1);
};
const bin = (name) => join('node_modules', '.bin', name);

rmSync('lib', { recursive: true, force: true });
run(bin('vite'), ['build', '-c', 'vite.package.config.ts', '--logLevel', 'warn']);
run(bin('vite'), ['build', '-c', 'vite.package.config.ts', '--mode', 'browser', '--logLevel', 'warn']);
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
console.log('webclip: lib/ built (bundler modules, lib/browser/, lib/types/).');
