// ClipTokenizer against OpenAI's tokenizer: the shared reference cases, the oracle's ~900 cases
// (scripts/fixtures/tokenizer_oracle.py), batching and truncation, tokenizer.json parsing and
// its errors, and inputs built to break it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isClipError } from '../../../src/shared/errors';
import { ClipTokenizer } from '../../../src/core/text/tokenizer';
import { readClipTokenizerJson, readOpenAiClipFile } from './openai-clip-data';

const TOKENIZER_TEXT = readClipTokenizerJson();
const freshJSON = (): Record<string, any> => JSON.parse(TOKENIZER_TEXT) as Record<string, any>;
const tokenizer = ClipTokenizer.fromJSON(freshJSON());

interface SharedCase {
  name: string;
  text: string;
  ids: number[];
  hf_ids77: number[];
}
interface OracleCase {
  name: string;
  text: string;
  clean: string;
  ids: number[];
  idsWithoutMojibakeRepair?: number[];
}
interface Oracle {
  ftfy: string | null;
  cases: OracleCase[];
  mojibake: OracleCase[];
}

const shared = JSON.parse(readOpenAiClipFile('tokenizer-cases.json')) as SharedCase[];
const oracle = JSON.parse(
  readFileSync(new URL('../../fixtures/tokenizer-oracle.json', import.meta.url), 'utf8'),
) as Oracle;

const BOS = 49406;
const EOS = 49407;

// simple_tokenizer.bpe on strings, written as plainly as the Python, to check the fast paths.
const VOCAB = freshJSON()['model'].vocab as Record<string, number>;
const RANKS = new Map((freshJSON()['model'].merges as string[]).map((m, i) => [m, i]));
const BYTE_CHAR: string[] = (() => {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let n = 0;
  return Array.from({ length: 256 }, (_, b) => String.fromCharCode(printable(b) ? b : 256 + n++));
})();

function referenceBpeIds(token: string): number[] {
  const chars = Array.from(new TextEncoder().encode(token), (b) => BYTE_CHAR[b] as string);
  let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
  while (word.length > 1) {
    let best: string | undefined;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < word.length; i++) {
      const rank = RANKS.get(`${word[i]} ${word[i + 1]}`);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [`${word[i]} ${word[i + 1]}`, rank];
    }
    if (best === undefined) break;
    const [first, second] = best.split(' ');
    const next: string[] = [];
    for (let i = 0; i < word.length; ) {
      if (word[i] === first && word[i + 1] === second && i + 1 < word.length) {
        next.push(`${first}${second}`);
        i += 2;
      } else next.push(word[i++] as string);
    }
    word = next;
  }
  return word.map((t) => VOCAB[t] as number);
}

function expectBadConfig(build: () => unknown, message: RegExp): void {
  try {
    build();
  } catch (error) {
    expect(isClipError(error, 'BAD_CONFIG'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a BAD_CONFIG ClipError');
}

describe('ClipTokenizer: reference ids', () => {
  it('exposes the special ids and the vocabulary size', () => {
    expect(tokenizer.bosId).toBe(BOS);
    expect(tokenizer.eosId).toBe(EOS);
    expect(tokenizer.padId).toBe(EOS);
    expect(tokenizer.vocabSize).toBe(49408);
    expect(tokenizer.contextLength).toBe(77);
  });

  it.each(shared.map((c) => [c.name, c] as const))('shared case %s: encode and encodeBatch', (_name, c) => {
    expect(tokenizer.encode(c.text)).toEqual(c.ids);
    expect(Array.from(tokenizer.encodeBatch([c.text]), Number)).toEqual(c.hf_ids77);
  });

  it('the oracle fixture was made with ftfy and holds several hundred cases', () => {
    expect(oracle.ftfy).toMatch(/^6\./);
    expect(oracle.cases.length).toBeGreaterThan(800);
  });

  it('matches every oracle case (OpenAI simple_tokenizer with ftfy 6.3.1)', () => {
    const failures = oracle.cases
      .filter((c) => JSON.stringify(tokenizer.encode(c.text)) !== JSON.stringify(c.ids))
      .map((c) => `${c.name} ${JSON.stringify(c.text).slice(0, 80)}`);
    expect(failures).toEqual([]);
  });

  it('leaves mojibake alone: where ftfy repairs it, ids are those of the text as written', () => {
    expect(oracle.mojibake.length).toBeGreaterThan(0);
    for (const c of oracle.mojibake) {
      expect(tokenizer.encode(c.text), c.name).toEqual(c.idsWithoutMojibakeRepair);
      expect(tokenizer.encode(c.text), c.name).not.toEqual(c.ids); // the known difference
    }
  });

  it('covers each category the issue lists', () => {
    const names = new Set(oracle.cases.map((c) => c.name.replace(/-\d+(-\d+)?$/, '')));
    for (const category of ['case', 'punct', 'contraction', 'digits', 'whitespace', 'accent', 'sigma', 'cjk',
      'emoji', 'url', 'entity', 'special', 'ftfy', 'rtl', 'long', 'empty', 'random', 'fragments']) {
      expect(names, category).toContain(category);
    }
  });
});

describe('ClipTokenizer: special tokens typed in the text', () => {
  it('turns <|endoftext|> and <|startoftext|> in any case into the special ids', () => {
    expect(tokenizer.encode('a<|endoftext|>b')).toEqual([BOS, 320, EOS, 321, EOS]); // a</w>, b</w>
    expect(tokenizer.encode('<|ENDOFTEXT|>')).toEqual([BOS, EOS, EOS]);
    expect(tokenizer.encode('<|StartOfText|>')).toEqual([BOS, BOS, EOS]);
  });

  it('tokenizes near misses as text', () => {
    const ids = tokenizer.encode('<| endoftext |>');
    expect(ids.slice(1, -1)).not.toContain(EOS);
    expect(ids.length).toBeGreaterThan(4);
  });
});

describe('ClipTokenizer: encodeBatch', () => {
  const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');

  it('returns a row-major [n, length] int64 block padded with the pad id', () => {
    const ids = tokenizer.encodeBatch(['a photo of a cat', '', 'hello world'], 10);
    expect(ids).toBeInstanceOf(BigInt64Array);
    expect(ids.length).toBe(30);
    const rows = [0, 1, 2].map((r) => Array.from(ids.slice(r * 10, r * 10 + 10), Number));
    expect(rows[0]).toEqual([BOS, 320, 1125, 539, 320, 2368, EOS, EOS, EOS, EOS]);
    expect(rows[1]).toEqual([BOS, EOS, EOS, EOS, EOS, EOS, EOS, EOS, EOS, EOS]);
    expect(rows[2]).toEqual([...tokenizer.encode('hello world'), ...Array(6).fill(EOS)]);
  });

  it('truncates so that the last kept id is <|endoftext|>, and says which texts were cut', () => {
    const full = tokenizer.encode(long);
    expect(full.length).toBeGreaterThan(77);
    const info = tokenizer.encodeBatchWithInfo(['short', long, 'x'.repeat(5000)]);
    expect(info.ids.length).toBe(3 * 77);
    expect(info.truncated).toEqual([false, true, true]);
    expect(info.lengths).toEqual([tokenizer.encode('short').length, 77, 77]);
    const row = Array.from(info.ids.slice(77, 154), Number);
    expect(row).toEqual([...full.slice(0, 76), EOS]);
  });

  it('a text of exactly length ids is not truncated; one more is', () => {
    const words = (n: number): string => Array(n).fill('cat').join(' ');
    expect(tokenizer.encode(words(75)).length).toBe(77);
    expect(tokenizer.encodeBatchWithInfo([words(75), words(76)]).truncated).toEqual([false, true]);
  });

  it('matches OpenAI clip.tokenize(truncate=True) up to the pad id', () => {
    const c = JSON.parse(readOpenAiClipFile('tokenizer-cases.json')) as (SharedCase & { ids77: number[] })[];
    const zeroPad = ClipTokenizer.fromJSON(freshJSON(), { pad_token: '!' });
    expect(zeroPad.padId).toBe(0);
    for (const x of c) expect(Array.from(zeroPad.encodeBatch([x.text]), Number)).toEqual(x.ids77);
  });

  it('handles an empty batch and rejects bad lengths and non-strings', () => {
    expect(tokenizer.encodeBatch([]).length).toBe(0);
    for (const length of [0, 1, 2.5, Number.NaN]) {
      expect(() => tokenizer.encodeBatch(['a'], length)).toThrow(/length/);
    }
    expect(Array.from(tokenizer.encodeBatch(['a photo'], 2), Number)).toEqual([BOS, EOS]);
    expect(() => tokenizer.encodeBatch(['ok', 42 as unknown as string])).toThrow(/texts\[1\]/);
    expect(() => tokenizer.encode(null as unknown as string)).toThrow(/string/);
  });
});

describe('ClipTokenizer.fromJSON', () => {
  it('reads pad_token and model_max_length from tokenizer_config.json', () => {
    const t = ClipTokenizer.fromJSON(freshJSON(), { pad_token: { content: '!' }, model_max_length: 64 });
    expect(t.padId).toBe(0);
    expect(t.contextLength).toBe(64);
    expect(t.encodeBatch(['a']).length).toBe(64);
    // transformers writes 1e30 for "no limit"
    expect(ClipTokenizer.fromJSON(freshJSON(), { model_max_length: 1e30 }).contextLength).toBe(77);
    expect(ClipTokenizer.fromJSON(freshJSON(), { pad_token: null }).padId).toBe(EOS);
  });

  it('accepts merges as ["a", "b"] arrays, the form newer files use', () => {
    const json = freshJSON();
    json['model'].merges = (json['model'].merges as string[]).map((m) => m.split(' '));
    const t = ClipTokenizer.fromJSON(json);
    for (const c of oracle.cases.slice(0, 300)) expect(t.encode(c.text)).toEqual(c.ids);
  });

  it.each([
    ['not an object', () => 'hello', /JSON object/],
    ['no model', () => ({}), /"model" is missing/],
    ['a WordPiece model', (j: Record<string, any>) => ((j['model'].type = 'WordPiece'), j), /model.type/],
    ['no end-of-word suffix', (j: Record<string, any>) => (delete j['model'].end_of_word_suffix, j), /end_of_word_suffix/],
    ['a subword prefix', (j: Record<string, any>) => ((j['model'].continuing_subword_prefix = '##'), j), /continuing_subword_prefix/],
    ['a vocab array', (j: Record<string, any>) => ((j['model'].vocab = []), j), /model.vocab must be an object/],
    ['a fractional id', (j: Record<string, any>) => ((j['model'].vocab['cat</w>'] = 1.5), j), /cat<\/w>/],
    ['merges missing', (j: Record<string, any>) => (delete j['model'].merges, j), /model.merges must be an array/],
    ['a three-part merge', (j: Record<string, any>) => ((j['model'].merges[5] = 'a b c'), j), /merges\[5\]/],
    ['a merge of unknown tokens', (j: Record<string, any>) => ((j['model'].merges[7] = ['zz', 'q']), j), /merges\[7\].*"zz"/],
    ['a byte token missing', (j: Record<string, any>) => (delete j['model'].vocab['Ā'], j), /byte-level token "Ā"/],
    ['no <|startoftext|>', (j: Record<string, any>) => {
      delete j['model'].vocab['<|startoftext|>'];
      j['added_tokens'] = [];
      return j;
    }, /<\|startoftext\|>/],
    ['bad added_tokens', (j: Record<string, any>) => ((j['added_tokens'] = [{ id: 'x' }]), j), /added_tokens\[0\]/],
    ['no ByteLevel step', (j: Record<string, any>) => ((j['pre_tokenizer'] = { type: 'Whitespace' }), j), /ByteLevel/],
    ['another split pattern', (j: Record<string, any>) => ((j['pre_tokenizer'].pretokenizers[0].pattern.Regex = '\\s+'), j), /Split pattern/],
  ])('rejects %s with BAD_CONFIG', (_name, mutate, message) => {
    expectBadConfig(() => ClipTokenizer.fromJSON(mutate(freshJSON())), message);
  });

  it('rejects a pad_token outside the vocabulary and a config that is not an object', () => {
    expectBadConfig(() => ClipTokenizer.fromJSON(freshJSON(), { pad_token: '<pad>' }), /pad_token "<pad>"/);
    expectBadConfig(() => ClipTokenizer.fromJSON(freshJSON(), { pad_token: 3 }), /pad_token/);
    expectBadConfig(() => ClipTokenizer.fromJSON(freshJSON(), 'config'), /tokenizer_config.json/);
  });
});

describe('ClipTokenizer: robustness', () => {
  const MB = 1 << 20;
  let seed = 12345;
  const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = (xs: string[]): string => xs[Math.floor(random() * xs.length)] as string;

  const inputs: [string, () => string][] = [
    ['1 MB of one letter (one 1 MB word)', () => 'a'.repeat(MB)],
    ['1 MB of random letters, no spaces', () => Array.from({ length: MB }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('')],
    ['1 MB of lone surrogates', () => '\ud800'.repeat(MB / 2) + '\udfff'.repeat(MB / 2)],
    ['1 MB of nested entities', () => '&' + 'amp;'.repeat(MB / 4)],
    ['1 MB of combining marks', () => 'a' + '\u0301'.repeat(MB)],
    ['1 MB of control characters and escapes', () => '\x00\x01\x1b[0m\x7f\ufeff'.repeat(MB / 8)],
    ['1 MB of mixed scripts, RTL marks and emoji', () => Array.from({ length: MB / 8 }, () =>
      pick(['cat ', 'Σ', '&amp;', '’s ', '🐱', '\n', 'ﬁ', '猫', '\u200f', '\u202e', 'שלום ', '👨‍👩‍👧', ' \r\n', '\u0345'])).join('')],
    ['1 MB of punctuation', () => '!?'.repeat(MB / 2)],
  ];

  it.each(inputs)('%s: finishes, in the vocabulary, framed by bos/eos', (_name, make) => {
    const text = make();
    const start = performance.now();
    const ids = tokenizer.encode(text);
    const info = tokenizer.encodeBatchWithInfo([text, 'a cat']);
    // generous: a robustness bound for a slow shared machine, not a speed test (~1 s here)
    expect(performance.now() - start).toBeLessThan(30_000);
    expect(ids[0]).toBe(BOS);
    expect(ids[ids.length - 1]).toBe(EOS);
    expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tokenizer.vocabSize)).toBe(true);
    expect(Array.from(info.ids.slice(0, 77), Number)).toEqual(
      ids.length > 77 ? [...ids.slice(0, 76), EOS] : [...ids, ...Array(77 - ids.length).fill(EOS)],
    );
    expect(Array.from(info.ids.slice(77, 77 + 4), Number)).toEqual([BOS, 320, 2368, EOS]);
  });

  it('tokenizes 100,000-letter words with the reference merge order (heap path)', () => {
    // The reference loop costs (pairs merged) × (word length): affordable for periodic words,
    // whatever their length, so these check the heap path on really long words.
    for (const period of ['qwertyui', 'ab', 'photograph', 'zzz', 'xq']) {
      const word = period.repeat(Math.ceil(100_000 / period.length));
      expect(tokenizer.encode(word).slice(1, -1), period).toEqual(referenceBpeIds(word));
    }
  });

  it('agrees with the reference loop on random words of 1 to 3,000 letters (both paths)', () => {
    for (let k = 0; k < 60; k++) {
      const length = 1 + Math.floor(random() ** 2 * 3000);
      const alphabet = pick(['abcdefghijklmnopqrstuvwxyz', 'aeiou', 'st', 'éàü', '猫犬', 'ab12']);
      const word = Array.from({ length }, () => pick(Array.from(alphabet))).join('');
      const clean = word.replace(/\d/g, 'x'); // digits are single-character words
      expect(tokenizer.encode(clean).slice(1, -1), clean.slice(0, 40)).toEqual(referenceBpeIds(clean));
    }
  });

  it('gives the same ids for RTL marks, control characters and odd strings every time', () => {
    for (const text of ['\u200fabc\u200e', '\u202eabc\u202c', '\x00', '\ud83d', '\udc31\ud83d', '\ufeff', '\u0345', ' ', '']) {
      expect(tokenizer.encode(text)).toEqual(tokenizer.encode(text));
      expect(tokenizer.encode(text)[0]).toBe(BOS);
    }
    expect(tokenizer.encode('\ud83d')).toEqual(tokenizer.encode('\ufffd'));
    expect(tokenizer.encode('')).toEqual([BOS, EOS]);
  });
});
