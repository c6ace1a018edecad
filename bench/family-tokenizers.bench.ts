// The family tokenizers (src/core/text/family-tokenizer.ts) against the reference ids of the fixtures
// (python3-sentencepiece for SigLIP's Unigram and SigLIP 2's BPE with byte fallback; the WordPiece
// re-statement) and against @huggingface/tokenizers run bare on the same tokenizer.json; texts/s of
// each in the same process, interleaved rounds; and what a Gemma-sized (256k pieces) tokenizer.json
// costs to parse and hold. Run: npx tsx bench/family-tokenizers.bench.ts [--rounds N]
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { FamilyTokenizer } from '../src/core/text/family-tokenizer';
import { huggingFaceTokenizer } from '../src/runtime/engine/huggingface-tokenizer';
import { median } from './stats';

const FIXTURES = join(import.meta.dirname, '..', 'tests', 'fixtures');
const OUT_DIR = join(import.meta.dirname, 'out');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 7;
const read = (name: string, file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, name, file), 'utf8')) as Record<string, unknown>;

interface Case { text: string; content_ids: number[] }

// What the bare library is given: SigLIP's own text steps (lowercase, punctuation, whitespace)
// are applied first, so that only the tokenizer.json pipeline is compared.
function bareInput(family: string, text: string): string {
  if (family === 'tiny-siglip') {
    return text.toLowerCase().replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '').replace(/\s+/g, ' ').trim();
  }
  return family === 'tiny-siglip2' ? text.toLowerCase() : text;
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function exactness(): string[] {
  const lines = ['| tokenizer.json (fixture) | strings | webclip = reference | bare @huggingface/tokenizers = reference | differs on |', '|---|---|---|---|---|'];
  for (const [family, max] of [['tiny-siglip', undefined], ['tiny-siglip2', undefined], ['tiny-multilingual', 128]] as const) {
    const json = read(family, 'tokenizer.json');
    const config = read(family, 'tokenizer_config.json');
    const cases = (read(family, 'reference.json')['tokenizer'] as Case[]);
    const ours = FamilyTokenizer.fromJSON(json, config, huggingFaceTokenizer, { maxLength: max });
    const bare = new Tokenizer(json, config);
    const oursOk = cases.filter((c) => same(ours.contentIds(c.text), c.content_ids)).length;
    const bareBad = cases.filter((c) => !same(bare.encode(bareInput(family, c.text), { add_special_tokens: false }).ids, c.content_ids));
    lines.push(`| ${family} | ${cases.length} | ${oursOk} | ${cases.length - bareBad.length} | ${bareBad.map((c) => JSON.stringify(c.text).slice(0, 40)).join('; ') || '—'} |`);
  }
  return lines;
}

function texts(): string[] {
  const base = (read('tiny-siglip', 'reference.json')['tokenizer'] as Case[]).map((c) => c.text);
  const captions = ['a photo of a dog on the beach', 'une photo du chat sur la plage', 'ein Foto eines Hundes im Schnee',
    '東京の夜景', 'Фото кошки', 'two children playing in the park, 2019!'];
  const out: string[] = [];
  for (let i = 0; i < 2000; i++) out.push(i % 3 === 0 ? (base[i % base.length] as string) : `${captions[i % captions.length]} ${i}`);
  return out;
}

function speed(): string[] {
  const all = texts();
  const lines = ['| tokenizer | webclip texts/s ÷ bare library texts/s (median of rounds) | first round | last round |', '|---|---|---|---|'];
  for (const family of ['tiny-siglip', 'tiny-siglip2', 'tiny-multilingual']) {
    const json = read(family, 'tokenizer.json');
    const config = read(family, 'tokenizer_config.json');
    const ours = FamilyTokenizer.fromJSON(json, config, huggingFaceTokenizer, { maxLength: 128 });
    const bare = new Tokenizer(json, config);
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      ours.encodeBatchWithInfo(all);
      const a = performance.now() - t;
      t = performance.now();
      for (const text of all) bare.encode(bareInput(family, text), { add_special_tokens: false });
      const b = performance.now() - t;
      ratios.push(b / a);
    }
    lines.push(`| ${family} | ${median(ratios).toFixed(2)} | ${ratios[0]?.toFixed(2)} | ${ratios.at(-1)?.toFixed(2)} |`);
  }
  return lines;
}

// A Gemma-sized tokenizer.json: the fixture's pieces and merges, grown with synthetic merged
// pieces to 256,000 (real Gemma pieces are longer, so the real file, 34.4 MB, is larger).
function bigGemma(): string[] {
  const json = read('tiny-siglip2', 'tokenizer.json');
  const model = json['model'] as { vocab: Record<string, number>; merges: [string, string][] };
  const vocab = { ...model.vocab };
  const merges = [...model.merges];
  const pieces = Object.keys(vocab).filter((p) => !p.startsWith('<'));
  let id = Object.keys(vocab).length;
  let k = 0;
  while (id < 256_000) {
    const a = pieces[(k * 7919) % pieces.length] as string;
    const b = pieces[(k * 104729 + 13) % pieces.length] as string;
    k++;
    if (vocab[a + b] !== undefined || (a + b).length > 16) continue;
    vocab[a + b] = id++;
    merges.push([a, b]);
    pieces.push(a + b);
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'gemma-sized-tokenizer.json');
  writeFileSync(file, JSON.stringify({ ...json, model: { ...model, vocab, merges } }));
  const config = read('tiny-siglip2', 'tokenizer_config.json');
  const text = readFileSync(file, 'utf8');
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  const parsed = JSON.parse(text) as unknown;
  const parseMs = performance.now() - t;
  t = performance.now();
  const tok = FamilyTokenizer.fromJSON(parsed, config, huggingFaceTokenizer);
  const buildMs = performance.now() - t;
  gc?.();
  const heap = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  if (!tok || !parsed) throw new Error('kept alive until measured');
  t = performance.now();
  tok.encodeBatchWithInfo(texts().slice(0, 500));
  const encodeMs = performance.now() - t;
  return [
    `- file: ${(statSync(file).size / 1e6).toFixed(1)} MB, ${id.toLocaleString('en')} pieces, ${merges.length.toLocaleString('en')} merges`,
    `- building the tokenizer from the parsed JSON takes ${(buildMs / parseMs).toFixed(2)}× the JSON.parse of the file itself`,
    `- heap held by the parsed JSON and the tokenizer${gc ? ' (after gc)' : ' (no gc: run node with --expose-gc)'}: ${heap.toFixed(0)} MB`,
    `- encoding 500 texts after it: ${(encodeMs / parseMs).toFixed(3)}× the JSON.parse time`,
  ];
}

const report = ['### Exactness', '', ...exactness(), '', '### Speed', '', ...speed(), '', '### A Gemma-sized tokenizer.json', '', ...bigGemma()];
console.log(report.join('\n'));
