// What a page loads of the built package (`npm run bench:bundle`, after `npm run build:lib`):
// each entry with the chunks it imports, not the workers it starts, in bytes and gzipped.
// tests/e2e/package.spec.ts checks that none of it is worker-side code.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pageBundle } from '../tests/e2e/package/page-bundle';

const ROOT = join(import.meta.dirname, '..');
if (!existsSync(join(ROOT, 'lib', 'webclip.js'))) {
  console.error('webclip: build the package first (npm run build:lib).');
  process.exit(1);
}
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
console.log('| entry | files | modules | kB | kB gzipped |');
console.log('|---|---:|---:|---:|---:|');
for (const folder of ['lib', 'lib/browser']) {
  for (const entry of ['webclip.js', 'element.js']) {
    const b = pageBundle(join(ROOT, folder), entry, ROOT);
    console.log(`| ${folder}/${entry} | ${b.files.length} | ${b.modules.length} | ${kb(b.bytes)} | ${kb(b.gzipBytes)} |`);
  }
}
