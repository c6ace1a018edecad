// SentencePiece's normalizer (nmt_nfkc and friends) run from the `precompiled_charsmap` that
// tokenizer.json's Precompiled step carries: a Darts double-array trie over UTF-8 bytes whose
// values index NUL-terminated replacement strings. At each position the longest matching rule
// wins, else one character is kept, as sentencepiece's Normalizer::NormalizePrefix does.
// @huggingface/tokenizers approximates this step with String.normalize('NFKC'), which differs
// (zero-width joiners become spaces there, and stay unknown characters in SentencePiece).
import { ClipError } from '../../shared/errors';

export class PrecompiledCharsmap {
  private readonly trie: Uint32Array;
  private readonly strings: Uint8Array;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  /** @param charsmap the decoded `precompiled_charsmap` bytes */
  constructor(charsmap: Uint8Array) {
    if (charsmap.length < 4) throw new ClipError('BAD_CONFIG', 'tokenizer.json: precompiled_charsmap is too short');
    const view = new DataView(charsmap.buffer, charsmap.byteOffset, charsmap.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || 4 + trieBytes > charsmap.length) {
      throw new ClipError('BAD_CONFIG', 'tokenizer.json: precompiled_charsmap has a malformed trie');
    }
    this.trie = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.trie.length; i++) this.trie[i] = view.getUint32(4 + 4 * i, true);
    this.strings = charsmap.subarray(4 + trieBytes);
  }

  /** Decodes tokenizer.json's base64 `precompiled_charsmap`. */
  static fromBase64(base64: string): PrecompiledCharsmap {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new PrecompiledCharsmap(bytes);
  }

  normalize(text: string): string {
    const input = this.encoder.encode(text);
    let out = new Uint8Array(input.length + 16);
    let n = 0;
    let pos = 0;
    while (pos < input.length) {
      const [length, value] = this.longestMatch(input, pos);
      let from: Uint8Array = input;
      let start = pos;
      let end = pos + utf8Length(input[pos] as number); // no rule: the character as it is
      if (length > 0) {
        from = this.strings;
        start = value;
        end = this.strings.indexOf(0, value);
        if (end < 0) end = this.strings.length;
        pos += length;
      } else {
        pos = end;
      }
      if (n + end - start > out.length) {
        const grown = new Uint8Array(2 * (n + end - start));
        grown.set(out.subarray(0, n));
        out = grown;
      }
      out.set(from.subarray(start, end), n);
      n += end - start;
    }
    return this.decoder.decode(out.subarray(0, n));
  }

  // Darts-clone commonPrefixSearch, keeping the longest match: [bytes matched, string offset].
  private longestMatch(key: Uint8Array, start: number): [number, number] {
    const a = this.trie;
    let node = offset(a[0] ?? 0);
    let best: [number, number] = [0, 0];
    for (let i = start; i < key.length; i++) {
      const c = key[i] as number;
      node ^= c;
      const unit = a[node];
      if (unit === undefined || label(unit) !== c) break;
      node ^= offset(unit);
      if (hasLeaf(unit)) best = [i - start + 1, (a[node] ?? 0) & 0x7fffffff];
    }
    return best;
  }
}

const hasLeaf = (unit: number): boolean => ((unit >>> 8) & 1) === 1;
const label = (unit: number): number => (unit & 0x800000ff) >>> 0;
const offset = (unit: number): number => (unit >>> 10) << ((unit & (1 << 9)) >>> 6);

function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return 4;
}
