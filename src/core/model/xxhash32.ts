// XXH32, the model store's per-chunk check: it catches a damaged chunk ~10× faster than SHA-256
// (why that is enough: docs/internals.md#the-model-store).

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const round = (acc: number, lane: number): number => Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);

/** XXH32 of `bytes` with `seed`, as an unsigned 32-bit integer. */
export function xxhash32(bytes: Uint8Array, seed = 0): number {
  const n = bytes.length;
  // Little-endian 32-bit lanes; an unaligned view is copied once so the loop reads whole words.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, n >>> 2);
  let h: number;
  let w = 0;
  if (n >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    const blocks = (n >>> 4) << 2;
    for (; w < blocks; w += 4) {
      v1 = round(v1, words[w]!);
      v2 = round(v2, words[w + 1]!);
      v3 = round(v3, words[w + 2]!);
      v4 = round(v4, words[w + 3]!);
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + n) | 0;
  for (; w < words.length; w++) h = Math.imul(rotl((h + Math.imul(words[w]!, P3)) | 0, 17), P4);
  for (let i = w << 2; i < n; i++) h = Math.imul(rotl((h + Math.imul(aligned[i]!, P5)) | 0, 11), P1);
  h = Math.imul(h ^ (h >>> 15), P2);
  h = Math.imul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}
