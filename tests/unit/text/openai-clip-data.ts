// OpenAI CLIP's reference data committed in tests/fixtures/openai-clip/ (sources and licences in
// tests/fixtures/README.md): the tokenizer.json (gzipped), the reference cases, the prompts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const OPENAI_CLIP_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'openai-clip');

/** A file of the folder as text; `.gz` files are read through gunzip. */
export function readOpenAiClipFile(name: string): string {
  const bytes = readFileSync(join(OPENAI_CLIP_DIR, name));
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** CLIP's full tokenizer.json (49,408 ids), as text. */
export const readClipTokenizerJson = (): string => readOpenAiClipFile('clip-tokenizer.json.gz');
