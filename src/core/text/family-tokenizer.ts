// The text tokenizers of the families beside CLIP, from their tokenizer.json and
// tokenizer_config.json: SigLIP's SentencePiece Unigram, SigLIP 2's Gemma BPE with byte fallback,
// and the WordPiece of multilingual BERT-style text towers. A library runs the tokenizer.json
// pipeline (@huggingface/tokenizers, handed in by the runtime: the core imports no package); this
// file adds what each reference tokenizer does around it (SigLIP's lowercasing and punctuation
// removal, SentencePiece's exact normalizer, the special tokens, the padding and its length).
// CLIP and MobileCLIP keep tokenizer.ts.
import { ClipError } from '../../shared/errors';
import { PrecompiledCharsmap } from './precompiled-charsmap';
import { writeIdRow } from './text-rows';
import type { EncodedBatch } from './tokenizer';

/**
 * How a family turns text into input_ids.
 * - `siglip`: transformers' SiglipTokenizer -- lowercase, drop ASCII punctuation, collapse
 *   whitespace, SentencePiece, `</s>`; padded with the pad id to the trained length (64).
 * - `siglip2`: SigLIP 2's Gemma tokenizer -- lowercase (the model was trained on lowercased
 *   text), BPE with byte fallback, `<eos>`; padded with `<pad>` to the trained length (64).
 * - `wordpiece`: `[CLS]` text `[SEP]`, padded to the batch's longest row; an attention mask tells
 *   the graph (and the mean pooling after it) which positions are text.
 */
export type TextRecipe = 'siglip' | 'siglip2' | 'wordpiece';

/** {@link EncodedBatch} plus the attention mask the WordPiece towers take. */
export interface FamilyEncodedBatch extends EncodedBatch {
  /** Row-major [texts, width] 1 for text, 0 for padding; null where the graph takes no mask. */
  readonly attentionMask: BigInt64Array | null;
  /** Row length of `ids`. */
  readonly width: number;
}

/** What runs a tokenizer.json pipeline: pieces to ids, without the special tokens. */
export interface PieceTokenizer {
  encode(text: string): number[];
  /** The id of one vocabulary entry; undefined where the vocabulary has none. */
  tokenToId(token: string): number | undefined;
}

/** Builds the PieceTokenizer of a (possibly trimmed) tokenizer.json and its tokenizer_config.json. */
export type PieceTokenizerFactory = (json: Readonly<Record<string, unknown>>, config: Readonly<Record<string, unknown>>) => PieceTokenizer;

export interface FamilyTokenizerOptions {
  /** Longest row, special tokens included (sentence-transformers' max_seq_length). */
  maxLength?: number | undefined;
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string): ClipError => new ClipError('BAD_CONFIG', message);

// Python's string.punctuation, which SiglipTokenizer.canonicalize_text removes.
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Python's \s in a str pattern: Unicode whitespace plus U+001C..U+001F (JavaScript's \s has
// U+FEFF instead, which Python does not count).
const PY_WHITESPACE_RUN = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const PY_WHITESPACE_ENDS = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

export class FamilyTokenizer {
  readonly recipe: TextRecipe;
  readonly padId: number;
  /** Appended after the content (`</s>`, `<eos>`, `[SEP]`). */
  readonly endId: number;
  /** Put before the content (`[CLS]`); null where nothing is. */
  readonly startId: number | null;
  /** Trained length (siglip, siglip2: every row has it) or longest row (wordpiece). */
  readonly contextLength: number;
  /** Whether rows are padded to contextLength whatever their texts (the graphs see the padding). */
  readonly fixedLength: boolean;

  private readonly tokenizer: PieceTokenizer;
  private readonly charsmap: PrecompiledCharsmap | null;
  private readonly lowercase: boolean;

  private constructor(recipe: TextRecipe, json: JsonObject, config: JsonObject, pieces: PieceTokenizerFactory, options: FamilyTokenizerOptions) {
    this.recipe = recipe;
    let pipeline = json;
    this.charsmap = null;
    if (recipe === 'siglip') {
      // SentencePiece's normalizer runs here, exactly; the library's approximation is taken out
      const split = splitPrecompiled(json);
      pipeline = split.json;
      this.charsmap = split.charsmap;
    }
    this.tokenizer = pieces(pipeline, config);
    this.lowercase = recipe === 'siglip2' || (recipe === 'siglip' && config['do_lower_case'] !== false);
    const id = (key: string, fallback?: string): number => {
      const raw = config[key] ?? fallback;
      const token = isObject(raw) ? raw['content'] : raw;
      const found = typeof token === 'string' ? this.tokenizer.tokenToId(token) : undefined;
      if (found === undefined) throw bad(`tokenizer_config.json: ${key} ${JSON.stringify(raw ?? null)} is not in the vocabulary`);
      return found;
    };
    if (recipe === 'wordpiece') {
      this.startId = id('cls_token', '[CLS]');
      this.endId = id('sep_token', '[SEP]');
      this.padId = id('pad_token', '[PAD]');
    } else {
      this.startId = null;
      this.endId = id('eos_token');
      this.padId = id('pad_token', typeof config['eos_token'] === 'string' ? config['eos_token'] : undefined);
    }
    this.fixedLength = recipe !== 'wordpiece';
    const configured = config['model_max_length'];
    const trained = typeof configured === 'number' && Number.isInteger(configured) && configured >= 2 && configured <= 100_000
      ? configured
      : recipe === 'wordpiece' ? 512 : 64;
    this.contextLength = Math.min(options.maxLength ?? trained, trained);
  }

  /**
   * Builds the tokenizer from parsed tokenizer.json and tokenizer_config.json; the recipe comes
   * from tokenizer_config's tokenizer_class and tokenizer.json's model type; `pieces` runs the
   * tokenizer.json pipeline (the runtime's huggingFaceTokenizer).
   * @throws ClipError `BAD_CONFIG` for a tokenizer no family here uses.
   */
  static fromJSON(json: unknown, config: unknown, pieces: PieceTokenizerFactory, options: FamilyTokenizerOptions = {}): FamilyTokenizer {
    if (!isObject(json) || !isObject(json['model'])) throw bad('tokenizer.json: expected an object with a "model"');
    if (config !== undefined && config !== null && !isObject(config)) throw bad('tokenizer_config.json: expected a JSON object');
    const cfg = isObject(config) ? config : {};
    return new FamilyTokenizer(recipeOf(json, cfg), json, cfg, pieces, options);
  }

  /** The text's ids without special tokens, as the reference tokenizer gives them. */
  contentIds(text: string): number[] {
    if (typeof text !== 'string') throw new ClipError('BAD_INPUT', `text must be a string, got ${typeof text}`);
    let t = this.lowercase ? text.toLowerCase() : text;
    if (this.recipe === 'siglip') {
      t = t.replace(ASCII_PUNCTUATION, '').replace(PY_WHITESPACE_RUN, ' ').replace(PY_WHITESPACE_ENDS, '');
      t = (this.charsmap as PrecompiledCharsmap).normalize(t);
    }
    return this.tokenizer.encode(t);
  }

  /**
   * input_ids for the text tower, one row a text: fixed-length recipes fill `contextLength`
   * (content cut to fit, then the end token, then padding); WordPiece rows are as long as the
   * batch's longest, at most `contextLength`, with an attention mask.
   */
  encodeBatchWithInfo(texts: readonly string[]): FamilyEncodedBatch {
    if (!Array.isArray(texts)) throw new ClipError('BAD_INPUT', 'texts must be an array of strings');
    const specials = this.startId === null ? 1 : 2;
    const rows = texts.map((text) => {
      const content = this.contentIds(text);
      const room = this.contextLength - specials;
      const row = this.startId === null ? [] : [this.startId];
      for (let i = 0; i < Math.min(room, content.length); i++) row.push(content[i] as number);
      row.push(this.endId);
      return { row, truncated: content.length > room };
    });
    const width = this.fixedLength ? this.contextLength : Math.max(1, ...rows.map((r) => r.row.length));
    const ids = new BigInt64Array(texts.length * width);
    const halves = new Int32Array(ids.buffer);
    const mask = this.fixedLength ? null : new BigInt64Array(texts.length * width);
    rows.forEach(({ row }, t) => {
      writeIdRow(halves, t * width, row, width, this.padId);
      mask?.fill(1n, t * width, t * width + row.length);
    });
    return {
      ids,
      attentionMask: mask,
      width,
      truncated: rows.map((r) => r.truncated),
      lengths: rows.map((r) => r.row.length),
    };
  }
}

function recipeOf(json: JsonObject, config: JsonObject): TextRecipe {
  const model = json['model'] as JsonObject;
  const cls = typeof config['tokenizer_class'] === 'string' ? config['tokenizer_class'] : '';
  if (model['type'] === 'WordPiece') return 'wordpiece';
  if (model['type'] === 'Unigram' && cls.startsWith('Siglip')) return 'siglip';
  if (model['type'] === 'BPE' && model['byte_fallback'] === true && cls.startsWith('Gemma')) return 'siglip2';
  throw bad(
    `tokenizer.json: a ${JSON.stringify(model['type'])} model with tokenizer_class ${JSON.stringify(cls)} ` +
      'is none of the tokenizers webclip knows (CLIP BPE, SigLIP Unigram, Gemma BPE, WordPiece)',
  );
}

// tokenizer.json without its leading Precompiled normalizer step, and that step's charsmap.
function splitPrecompiled(json: JsonObject): { json: JsonObject; charsmap: PrecompiledCharsmap } {
  const normalizer = json['normalizer'];
  const steps = isObject(normalizer) && normalizer['type'] === 'Sequence' && Array.isArray(normalizer['normalizers'])
    ? (normalizer['normalizers'] as unknown[])
    : [normalizer];
  const [first, ...rest] = steps;
  if (!isObject(first) || first['type'] !== 'Precompiled' || typeof first['precompiled_charsmap'] !== 'string') {
    throw bad('tokenizer.json: a SigLIP tokenizer needs a Precompiled normalizer first (SentencePiece\'s charsmap)');
  }
  const remaining = rest.length === 0 ? null : { type: 'Sequence', normalizers: rest };
  return { json: { ...json, normalizer: remaining }, charsmap: PrecompiledCharsmap.fromBase64(first['precompiled_charsmap']) };
}
