// CLIP's tokenizer.json (and tokenizer_config.json) read and checked: vocabulary, merges,
// special tokens, padding and context length, for tokenizer.ts.
import { ClipError } from '../../shared/errors';
import type { BpeMerges } from './bpe';

export const START = '<|startoftext|>';
export const END = '<|endoftext|>';

// The pre-tokenizer pattern of CLIP's tokenizer.json, after its two special-token alternatives.
const CLIP_SPLIT_TAIL = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

const DEFAULT_CONTEXT_LENGTH = 77;

/** What the tokenizer needs of tokenizer.json (and tokenizer_config.json). */
export interface TokenizerParts {
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

/** Reads and checks tokenizer.json (and tokenizer_config.json); BAD_CONFIG names what is wrong. */
export function parseTokenizer(json: unknown, config: unknown): TokenizerParts {
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
