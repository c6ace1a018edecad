// CLIP's tokenizer, id for id with OpenAI's simple_tokenizer.py: tokenizer.json's vocabulary and
// merges, OpenAI's clean-up (text-clean.ts), CLIP's word pattern, byte-level BPE.
import { ClipError } from '../../shared/errors';
import { bpeMerge, type BpeMerges } from './bpe';
import { clipCleanText } from './text-clean';
import { writeIdRow } from './text-rows';
import { END, parseTokenizer, START, type TokenizerParts } from './tokenizer-json';

// simple_tokenizer's pattern runs with regex.IGNORECASE on already-lowercased text. What that
// leaves of IGNORECASE: 'ſ' (U+017F) matches 's'; and U+0345, whose case partner ι is a letter,
// matches neither [\p{L}] nor [^\s\p{L}\p{N}] in the `regex` module, so it is dropped. `\s` is
// the `regex` module's (Unicode White_Space), not JavaScript's (which adds U+FEFF).
const PRE_TOKEN_RE =
  /<\|[sſ]tartoftext\|>|<\|endoftext\|>|'[sſ]|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\p{L}\p{N}\u0345]+/gu;

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
