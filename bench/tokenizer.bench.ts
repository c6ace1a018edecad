// Benchmarks webclip's ClipTokenizer against transformers.js's CLIPTokenizer and
// @huggingface/tokenizers (same tokenizer.json, same process, interleaved rounds): tokens per
// second on 10,000 captions with a warm and a cold word cache, the [n, 77] int64 batch, and how
// often each agrees with OpenAI's ids. Run: npx tsx bench/tokenizer.bench.ts [--rounds N]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIPTokenizer } from '@huggingface/transformers';
import { Tokenizer } from '@huggingface/tokenizers';
import { clipCleanText } from '../src/core/text/text-clean';
import { ClipTokenizer } from '../src/core/text/tokenizer';
import { readClipTokenizerJson, readOpenAiClipFile } from '../tests/unit/text/openai-clip-data';
import { median, mulberry32 } from './stats';

const OUT_DIR = join(import.meta.dirname, 'out');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 9;
const CAPTIONS = 10_000;

const TOKENIZER_TEXT = readClipTokenizerJson();
// What the Hugging Face CLIP checkpoints ship as tokenizer_config.json.
const TOKENIZER_CONFIG = {
  tokenizer_class: 'CLIPTokenizer',
  model_max_length: 77,
  do_lower_case: true,
  bos_token: '<|startoftext|>',
  eos_token: '<|endoftext|>',
  unk_token: '<|endoftext|>',
  pad_token: '<|endoftext|>',
};
const prompts = JSON.parse(readOpenAiClipFile('imagenet-prompts.json')) as {
  templates: string[];
  classes: string[];
};
const oracle = JSON.parse(readFileSync(join(import.meta.dirname, '../tests/fixtures/tokenizer-oracle.json'), 'utf8')) as {
  cases: { text: string; ids: number[] }[];
};

// ---- captions --------------------------------------------------------------------------------------

const SUBJECTS = ['a dog', 'two cats', 'an old man', 'a young woman', 'three children', 'a red car', 'a cyclist',
  'a flock of birds', 'the chef', 'a golden retriever', 'my grandmother', 'a street musician', 'a black horse',
  'a small boat', 'a toddler', 'the team', 'a barista', 'a hiker', 'an astronaut', 'a couple'];
const VERBS = ['sitting on', 'running across', 'standing next to', 'looking at', 'jumping over', 'walking along',
  'parked in front of', 'playing with', 'resting under', 'riding through', 'reading in', 'cooking in'];
const PLACES = ['the beach at sunset', 'a snowy mountain', 'a crowded market', 'the kitchen', 'a wooden bench',
  'the park', 'a rainy street in Paris', 'a café terrace', 'the city skyline', 'a quiet lake', 'an empty road',
  'the living room', 'a field of sunflowers', 'the old bridge', 'a busy train station'];
const EXTRAS = ['', '', '', ', photographed from above', ' in black and white', ' on a foggy morning',
  ', 35mm film', ' (2019)', ' — award-winning photo', ', shot on iPhone 12', " at night, it's raining",
  ' with 3 balloons', '!', ' #travel #nature', ', close-up, 4K'];

/** Deterministic captions: half CLIP's ImageNet prompts, half varied photo descriptions. */
function makeCaptions(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (random() < 0.5) {
      out.push(pick(prompts.templates).replace('{}', pick(prompts.classes)));
    } else {
      let s = `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(PLACES)}${pick(EXTRAS)}`;
      if (random() < 0.4) s = s[0]!.toUpperCase() + s.slice(1) + '.';
      out.push(s);
    }
  }
  return out;
}

/** Captions nobody has seen: every word carries a round-specific suffix, so no cache helps. */
function makeUniqueCaptions(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const tag = (w: string): string => (/^[a-z]{3,}$/.test(w) ? `${w}${Math.floor(random() * 1e6).toString(36)}` : w);
  return makeCaptions(count, seed).map((c) => c.split(' ').map(tag).join(' '));
}

// ---- subjects ---------------------------------------------------------------------------------------

interface Subject {
  name: string;
  build: () => void;
  encode: (text: string) => number[];
  batch: (texts: string[]) => unknown;
}

let ours!: ClipTokenizer;
let tjs!: CLIPTokenizer;
let hft!: Tokenizer;
const fresh = (): Record<string, unknown> => JSON.parse(TOKENIZER_TEXT) as Record<string, unknown>;

const subjects: Subject[] = [
  {
    name: 'webclip ClipTokenizer',
    build: () => (ours = ClipTokenizer.fromJSON(fresh(), TOKENIZER_CONFIG)),
    encode: (t) => ours.encode(t),
    batch: (ts) => ours.encodeBatch(ts, 77),
  },
  {
    name: 'transformers.js 4.3.1 CLIPTokenizer',
    build: () => (tjs = new CLIPTokenizer(fresh(), TOKENIZER_CONFIG)),
    encode: (t) => tjs.encode(t),
    batch: (ts) => tjs(ts, { padding: 'max_length', max_length: 77, truncation: true }),
  },
  {
    name: '@huggingface/tokenizers 0.2.0',
    build: () => (hft = new Tokenizer(fresh(), TOKENIZER_CONFIG)),
    encode: (t) => hft.encode(t).ids,
    batch: (ts) => ts.map((t) => hft.encode(t).ids),
  },
  {
    // the option of keeping the library and putting OpenAI's clean-up in front of it
    name: '@huggingface/tokenizers after webclip\'s clean-up',
    build: () => (hft = new Tokenizer(fresh(), TOKENIZER_CONFIG)),
    encode: (t) => hft.encode(clipCleanText(t)).ids,
    batch: (ts) => ts.map((t) => hft.encode(clipCleanText(t)).ids),
  },
];

// ---- timing -----------------------------------------------------------------------------------------

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1000;
}

function countTokens(texts: string[]): number {
  const t = ClipTokenizer.fromJSON(fresh());
  return texts.reduce((n, text) => n + t.encode(text).length, 0);
}

const captions = makeCaptions(CAPTIONS, 1);
const tokensWarm = countTokens(captions);
const buildSeconds = new Map<string, number[]>();
const warm = new Map<string, number[]>();
const cold = new Map<string, number[]>();
const batched = new Map<string, number[]>();
for (const s of subjects) {
  buildSeconds.set(s.name, []);
  warm.set(s.name, []);
  cold.set(s.name, []);
  batched.set(s.name, []);
}

console.log(`${CAPTIONS} captions, ${tokensWarm} tokens; ${ROUNDS} interleaved rounds`);
// warm-up: JIT and caches, not timed
for (const s of subjects) {
  s.build();
  for (const c of captions) s.encode(c);
}
const coldSets = Array.from({ length: ROUNDS }, (_, r) => makeUniqueCaptions(CAPTIONS, 1000 + r));
const coldTokens = coldSets.map(countTokens);
for (let r = 0; r < ROUNDS; r++) {
  const order = subjects.map((_, i) => subjects[(i + r) % subjects.length] as Subject);
  for (const s of order) {
    // cold: a fresh tokenizer on captions whose words it has never seen
    buildSeconds.get(s.name)!.push(time(s.build));
    const coldSet = coldSets[r] as string[];
    cold.get(s.name)!.push((coldTokens[r] as number) / time(() => coldSet.forEach((c) => s.encode(c))));
    // warm: the same tokenizer on the standard captions, its cache filled by a first pass
    for (const c of captions) s.encode(c);
    warm.get(s.name)!.push(tokensWarm / time(() => captions.forEach((c) => s.encode(c))));
    batched.get(s.name)!.push(CAPTIONS / time(() => s.batch(captions)));
  }
  process.stdout.write('.');
}
console.log();

// ---- agreement with OpenAI's ids --------------------------------------------------------------------

const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const curly = 'it’s a cat’s “toy”';
const straight = 'it\'s a cat\'s "toy"';
const agreement = subjects.map((s) => {
  s.build();
  const captionsAgree = captions.filter((c) => same(s.encode(c), ours.encode(c))).length;
  const oracleAgree = oracle.cases.filter((c) => same(s.encode(c.text), c.ids)).length;
  return { name: s.name, captionsAgree, oracleAgree, curlyOk: same(s.encode(curly), ours.encode(straight)) };
});

// ---- report -------------------------------------------------------------------------------------------

const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);
const base = subjects[0]!.name;
const ratio = (m: Map<string, number[]>, name: string): string =>
  name === base ? '1' : `${(median(m.get(base)!) / median(m.get(name)!)).toFixed(1)}× slower`;
const lines = [
  `# Tokenizer benchmark`,
  '',
  `\`npx tsx bench/tokenizer.bench.ts --rounds ${ROUNDS}\`: Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. ` +
    `${CAPTIONS} captions (half CLIP ImageNet prompts, half generated photo descriptions; ${tokensWarm} tokens), ` +
    `${ROUNDS} interleaved rounds, medians. Warm: the same captions again, word cache filled. Cold: a new tokenizer ` +
    'on captions whose words it has never seen. Batch: int64 [n, 77] input_ids, padded and truncated.',
  '',
  '| tokenizer | warm tokens/s | cold tokens/s | batch texts/s | build (ms) | vs webclip (warm / cold / batch) |',
  '|---|---:|---:|---:|---:|---|',
  ...subjects.map(
    (s) =>
      `| ${s.name} | ${fmt(median(warm.get(s.name)!))} | ${fmt(median(cold.get(s.name)!))} | ` +
      `${fmt(median(batched.get(s.name)!))} | ${(median(buildSeconds.get(s.name)!) * 1000).toFixed(0)} | ` +
      `${ratio(warm, s.name)} / ${ratio(cold, s.name)} / ${ratio(batched, s.name)} |`,
  ),
  '',
  `Agreement with OpenAI's tokenizer (simple_tokenizer.py with ftfy): the ${oracle.cases.length} oracle cases of ` +
    '`tests/fixtures/tokenizer-oracle.json` (punctuation, accents, CJK, emoji, entities, curly quotes, fullwidth, ' +
    'control characters, random strings), the benchmark captions (against webclip), and a curly-quoted ' +
    `caption (\`${curly}\` must tokenize like \`${straight}\`: ftfy straightens quotes).`,
  '',
  '| tokenizer | oracle cases exact | captions equal to webclip | curly quotes |',
  '|---|---:|---:|---|',
  ...agreement.map(
    (a) =>
      `| ${a.name} | ${a.oracleAgree} / ${oracle.cases.length} | ${a.captionsAgree} / ${CAPTIONS} | ${a.curlyOk ? 'yes' : 'no'} |`,
  ),
  '',
];
const report = lines.join('\n');
console.log(report);
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'tokenizer.md'), report);
console.log(`written to ${join(OUT_DIR, 'tokenizer.md')}`);
