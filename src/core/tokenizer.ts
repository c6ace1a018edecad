// CLIP's text tokenizer, id for id with OpenAI's clip/simple_tokenizer.py: built from the
// tokenizer.json beside every CLIP ONNX export, it cleans text as OpenAI does, splits words with
// CLIP's pattern and runs byte-level BPE; encodeBatch gives the text encoder's int64 input_ids.
//
// tokenizer.json's own normalizer (NFC, collapse whitespace, lowercase) is not what CLIP was
// trained with: OpenAI's tokenizer also runs ftfy.fix_text and html.unescape twice, so curly
// quotes, fullwidth letters, ligatures and entities tokenize differently. This file takes the
// vocabulary, merges and special tokens from tokenizer.json and OpenAI's pipeline from
// text-clean.ts; what of ftfy is left out (its mojibake repair) is written there.

import { bpeMerge, type BpeMerges } from './bpe';
import { ClipError } from './errors';
import { clipCleanText } from './text-clean';

const START = '<|startoftext|>';
const END = '<|endoftext|>';

// simple_tokenizer's pattern runs with regex.IGNORECASE on already-lowercased text. What that
// leaves of IGNORECASE: 'ſ' (U+017F) matches 's'; and U+0345, whose case partner ι is a letter,
// matches neither [\p{L}] nor [^\s\p{L}\p{N}] in the `regex` module, so it is dropped. `\s` is
// the `regex` module's (Unicode White_Space), not JavaScript's (which adds U+FEFF).
const PRE_TOKEN_RE =
  /<\|[sſ]tartoftext\|>|<\|endoftext\|>|'[sſ]|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\p{L}\p{N}\u0345]+/gu;

// The pre-tokenizer pattern of CLIP's tokenizer.json, after its two special-token alternatives.
const CLIP_SPLIT_TAIL = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

const DEFAULT_CONTEXT_LENGTH = 77;
const WORD_CACHE_SIZE = 20_000;
const WORD_CACHE_MAX_CHARS = 128; // longer words are rare and would make the cache's size unbounded

/** Result of {@link ClipTokenizer.encodeBatchWithInfo}. */
export interface EncodedBatch {
  /** Row-major [texts.length, length] ids: `<|startoftext|>`, content, `<|endoftext|>`, pad. */
  readonly ids: BigInt64Array;
  /** Whether text i lost content ids to fit `length`. */
  readonly truncated: boolean[];
  /** Ids kept for text i before the padding, `<|startoftext|>` and `<|endoftext|>` included. */
  readonly lengths: number[];
}

/** The byte-level BPE tokenizer of OpenAI's CLIP. */
export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly vocabSize: number;
  /** Default row length of encodeBatch: tokenizer_config.json's model_max_length, else 77. */
  readonly contextLength: number;

  private readonly merges: BpeMerges;
  private readonly byteIds: Int32Array; // UTF-8 byte → id of its byte-level character
  private readonly byteEndIds: Int32Array; // same, with the end-of-word suffix
  private readonly cache = new Map<string, number[]>();
  private utf8 = new Uint8Array(256);

  private constructor(parts: TokenizerParts) {
    this.bosId = parts.bosId;
    this.eosId = parts.eosId;
    this.padId = parts.padId;
    this.vocabSize = parts.vocabSize;
    this.contextLength = parts.contextLength;
    this.merges = parts.merges;
    this.byteIds = parts.byteIds;
    this.byteEndIds = parts.byteEndIds;
  }

  /**
   * Builds the tokenizer from a parsed Hugging Face `tokenizer.json` and, optionally, the parsed
   * `tokenizer_config.json` (read for `pad_token` and `model_max_length`).
   * @throws ClipError `BAD_CONFIG` naming what is missing or malformed.
   */
  static fromJSON(json: unknown, config?: unknown): ClipTokenizer {
    return new ClipTokenizer(parseTokenizer(json, config));
  }

  /** Ids of `text`: `<|startoftext|>`, the text's ids, `<|endoftext|>`; never padded or cut. */
  encode(text: string): number[] {
    checkText(text, 'text');
    const ids = [this.bosId];
    this.appendContent(clipCleanText(text), ids, Infinity);
    ids.push(this.eosId);
    return ids;
  }

  /** `encodeBatchWithInfo(texts, length).ids`. */
  encodeBatch(texts: readonly string[], length: number = this.contextLength): BigInt64Array {
    return this.encodeBatchWithInfo(texts, length).ids;
  }

  /**
   * The text encoder's `input_ids`: one row of `length` ids a text. A text too long keeps its
   * first `length - 2` content ids and still ends with `<|endoftext|>` (as both OpenAI's
   * `clip.tokenize(truncate=True)` and Hugging Face truncate); shorter rows are padded with
   * `padId`. CLIP pools at the first `<|endoftext|>`, so the pad id does not change embeddings.
   * @throws ClipError `BAD_INPUT` for a length below 2 or an element that is not a string.
   */
  encodeBatchWithInfo(texts: readonly string[], length: number = this.contextLength): EncodedBatch {
    if (!Number.isInteger(length) || length < 2) {
      throw new ClipError('BAD_INPUT', `length must be an integer of at least 2, got ${String(length)}`);
    }
    if (!Array.isArray(texts)) throw new ClipError('BAD_INPUT', 'texts must be an array of strings');
    texts.forEach((text, i) => checkText(text, `texts[${i}]`));
    const ids = new BigInt64Array(texts.length * length);
    const halves = new Int32Array(ids.buffer);
    const truncated: boolean[] = [];
    const lengths: number[] = [];
    const row: number[] = [];
    for (let t = 0; t < texts.length; t++) {
      row.length = 0;
      row.push(this.bosId);
      // one content id past what fits is enough to know the text was cut
      this.appendContent(clipCleanText(texts[t] as string), row, length - 1);
      const cut = row.length > length - 1;
      if (cut) row.length = length - 1;
      row.push(this.eosId);
      truncated.push(cut);
      lengths.push(row.length);
      writeIdRow(halves, t * length, row, length, this.padId);
    }
    return { ids, truncated, lengths };
  }

  // Appends the BPE ids of cleaned text to `out`, stopping once `out` is longer than `limit`.
  private appendContent(text: string, out: number[], limit: number): void {
    const re = PRE_TOKEN_RE;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null && out.length <= limit; m = re.exec(text)) {
      const word = m[0];
      if (word === START) out.push(this.bosId);
      else if (word === END) out.push(this.eosId);
      else for (const id of this.wordIds(word)) out.push(id);
    }
  }

  private wordIds(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const ids = bpeMerge(this.merges, this.byteSymbols(word));
    if (word.length <= WORD_CACHE_MAX_CHARS) {
      // first in, first out: cheaper than an LRU and as good for the heavy head of captions
      if (this.cache.size >= WORD_CACHE_SIZE) {
        const oldest = this.cache.keys().next();
        if (oldest.done !== true) this.cache.delete(oldest.value);
      }
      this.cache.set(word, ids);
    }
    return ids;
  }

  // The word's UTF-8 bytes as byte-level ids, the last one carrying the end-of-word suffix.
  private byteSymbols(word: string): Int32Array {
    if (this.utf8.length < word.length * 3) this.utf8 = new Uint8Array(word.length * 3);
    const bytes = this.utf8;
    let n = 0;
    for (let i = 0; i < word.length; i++) {
      let c = word.charCodeAt(i);
      if (c < 0x80) {
        bytes[n++] = c;
        continue;
      }
      if (c < 0x800) {
        bytes[n++] = 0xc0 | (c >> 6);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = word.charCodeAt(i + 1);
          if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            bytes[n++] = 0xf0 | (c >> 18);
            bytes[n++] = 0x80 | ((c >> 12) & 0x3f);
          } else {
            c = 0xfffd; // cannot happen after ftfy's fix_surrogates; encode as U+FFFD if it did
            bytes[n++] = 0xe0 | (c >> 12);
          }
        } else {
          bytes[n++] = 0xe0 | (c >> 12);
        }
        bytes[n++] = 0x80 | ((c >> 6) & 0x3f);
      }
      bytes[n++] = 0x80 | (c & 0x3f);
    }
    const symbols = new Int32Array(n);
    for (let k = 0; k < n - 1; k++) symbols[k] = this.byteIds[bytes[k] as number] as number;
    symbols[n - 1] = this.byteEndIds[bytes[n - 1] as number] as number;
    return symbols;
  }
}

function checkText(text: unknown, what: string): void {
  if (typeof text !== 'string') throw new ClipError('BAD_INPUT', `${what} must be a string, got ${typeof text}`);
}

// int64 without a BigInt per element: ids are small and non-negative, so writing the low 32-bit
// half of each zeroed element (through an Int32Array over the same buffer) is enough.
const LOW_HALF = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/** Writes `row` then `pad` up to `length` ids at int64 element `offset` of the zeroed buffer
 *  `halves` (an Int32Array view of a BigInt64Array). */
export function writeIdRow(halves: Int32Array, offset: number, row: number[], length: number, pad: number): void {
  const base = 2 * offset + LOW_HALF;
  for (let k = 0; k < length; k++) halves[base + 2 * k] = k < row.length ? (row[k] as number) : pad;
}

// ---- tokenizer.json -------------------------------------------------------------------------------

interface TokenizerParts {
  bosId: number;
  eosId: number;
  padId: number;
  vocabSize: number;
  contextLength: number;
  merges: BpeMerges;
  byteIds: Int32Array;
  byteEndIds: Int32Array;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string): ClipError {
  return new ClipError('BAD_CONFIG', `tokenizer.json: ${message}`);
}

function parseTokenizer(json: unknown, config: unknown): TokenizerParts {
  if (!isObject(json)) throw bad('expected a JSON object');
  const model = json['model'];
  if (!isObject(model)) throw bad('"model" is missing');
  if (model['type'] !== undefined && model['type'] !== 'BPE') {
    throw bad(`model.type is ${JSON.stringify(model['type'])}; CLIP needs "BPE"`);
  }
  const suffix = model['end_of_word_suffix'];
  if (typeof suffix !== 'string' || suffix === '') {
    throw bad('model.end_of_word_suffix is missing; CLIP\'s BPE marks word ends with "</w>"');
  }
  const prefix = model['continuing_subword_prefix'];
  if (prefix !== undefined && prefix !== null && prefix !== '') {
    throw bad(`model.continuing_subword_prefix ${JSON.stringify(prefix)} is not CLIP's (none)`);
  }
  checkPreTokenizer(json['pre_tokenizer']);

  const vocab = parseVocab(model['vocab']);
  const added = json['added_tokens'];
  if (added !== undefined && added !== null) {
    if (!Array.isArray(added)) throw bad('added_tokens must be an array');
    added.forEach((token: unknown, i) => {
      if (!isObject(token) || typeof token['content'] !== 'string' || !isId(token['id'])) {
        throw bad(`added_tokens[${i}] needs a string "content" and an integer "id"`);
      }
      vocab.set(token['content'], token['id']);
    });
  }
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);

  const byteIds = new Int32Array(256);
  const byteEndIds = new Int32Array(256);
  BYTE_CHARS.forEach((ch, b) => {
    const id = vocab.get(ch);
    const endId = vocab.get(ch + suffix);
    if (id === undefined || endId === undefined) {
      throw bad(`model.vocab lacks the byte-level token ${JSON.stringify(id === undefined ? ch : ch + suffix)} (byte ${b})`);
    }
    byteIds[b] = id;
    byteEndIds[b] = endId;
  });

  const bosId = vocab.get(START);
  const eosId = vocab.get(END);
  if (bosId === undefined || eosId === undefined) {
    throw bad(`special token ${bosId === undefined ? START : END} is in neither model.vocab nor added_tokens`);
  }
  const cfg = isObject(config) ? config : {};
  if (config !== undefined && config !== null && !isObject(config)) {
    throw new ClipError('BAD_CONFIG', 'tokenizer_config.json: expected a JSON object');
  }
  return {
    bosId,
    eosId,
    padId: parsePad(cfg['pad_token'], vocab, eosId),
    vocabSize,
    contextLength: parseContextLength(cfg['model_max_length']),
    merges: parseMerges(model['merges'], vocab, vocabSize),
    byteIds,
    byteEndIds,
  };
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function parseVocab(raw: unknown): Map<string, number> {
  if (!isObject(raw)) throw bad('model.vocab must be an object of token → id');
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(raw)) {
    if (!isId(id)) throw bad(`model.vocab[${JSON.stringify(token)}] is ${JSON.stringify(id)}, not an id`);
    vocab.set(token, id);
  }
  if (vocab.size === 0) throw bad('model.vocab is empty');
  return vocab;
}

function parseMerges(raw: unknown, vocab: Map<string, number>, idBase: number): BpeMerges {
  if (!Array.isArray(raw)) throw bad('model.merges must be an array');
  const ranks = new Map<number, number>();
  const mergedId = new Int32Array(raw.length);
  raw.forEach((merge: unknown, rank) => {
    // "a b" in older files, ["a", "b"] in newer ones
    let pair: unknown[] | undefined;
    if (typeof merge === 'string') pair = merge.split(' ');
    else if (Array.isArray(merge)) pair = merge;
    const [left, right] = pair ?? [];
    if (pair?.length !== 2 || typeof left !== 'string' || typeof right !== 'string') {
      throw bad(`model.merges[${rank}] is ${JSON.stringify(merge)}; expected "a b" or ["a", "b"]`);
    }
    const leftId = vocab.get(left);
    const rightId = vocab.get(right);
    const merged = vocab.get(left + right);
    if (leftId === undefined || rightId === undefined || merged === undefined) {
      const missing = leftId === undefined ? left : rightId === undefined ? right : left + right;
      throw bad(`model.merges[${rank}] (${JSON.stringify(merge)}) uses ${JSON.stringify(missing)}, which is not in model.vocab`);
    }
    // a repeated pair keeps its last rank, as Python's dict(zip(merges, range(...))) does
    ranks.set(leftId * idBase + rightId, rank);
    mergedId[rank] = merged;
  });
  return { ranks, mergedId, idBase };
}

function checkPreTokenizer(raw: unknown): void {
  if (raw === undefined || raw === null) return;
  const steps: JsonObject[] = [];
  const walk = (node: unknown): void => {
    if (!isObject(node)) throw bad('pre_tokenizer must be an object');
    if (node['type'] === 'Sequence') {
      const inner = node['pretokenizers'];
      if (!Array.isArray(inner)) throw bad('pre_tokenizer Sequence needs "pretokenizers"');
      inner.forEach(walk);
    } else {
      steps.push(node);
    }
  };
  walk(raw);
  if (!steps.some((s) => s['type'] === 'ByteLevel')) {
    throw bad('pre_tokenizer has no ByteLevel step: not a byte-level (CLIP) tokenizer');
  }
  for (const step of steps) {
    if (step['type'] !== 'Split') continue;
    const pattern = step['pattern'];
    const regex = isObject(pattern) ? pattern['Regex'] : undefined;
    if (typeof regex !== 'string' || !regex.endsWith(CLIP_SPLIT_TAIL)) {
      throw bad(`pre_tokenizer Split pattern ${JSON.stringify(pattern)} is not CLIP's word pattern`);
    }
  }
}

function parsePad(raw: unknown, vocab: Map<string, number>, eosId: number): number {
  if (raw === undefined || raw === null) return eosId; // Hugging Face's CLIP pads with <|endoftext|>
  const token = isObject(raw) ? raw['content'] : raw;
  if (typeof token !== 'string') {
    throw new ClipError('BAD_CONFIG', `tokenizer_config.json: pad_token ${JSON.stringify(raw)} is not a token`);
  }
  const id = vocab.get(token);
  if (id === undefined) {
    throw new ClipError('BAD_CONFIG', `tokenizer_config.json: pad_token ${JSON.stringify(token)} is not in the vocabulary`);
  }
  return id;
}

function parseContextLength(raw: unknown): number {
  // transformers writes a huge number (1e30) when a checkpoint sets no limit
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 2 && raw <= 1_000_000) return raw;
  return DEFAULT_CONTEXT_LENGTH;
}

// GPT-2's bytes_to_unicode, which CLIP keeps: printable bytes stand for themselves, the rest are
// shifted to U+0100 onwards, so every byte is one visible vocabulary character.
const BYTE_CHARS: string[] = (() => {
  const chars: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars.push(String.fromCharCode(printable ? b : 256 + shifted++));
  }
  return chars;
})();
