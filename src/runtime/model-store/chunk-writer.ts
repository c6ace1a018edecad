// One file of a model as it streams in: stored chunk by chunk (a bounded queue of IndexedDB
// writes), hashed (whole-file SHA-256, per-chunk XXH32) and assembled in memory for the session.
import { chunkCheck, type StoredFile } from '../../core/model/model-manifest';
import { Sha256 } from '../../core/model/sha256';
import { chunkKey, type ChunkKey } from './chunk-store';

/**
 * Bytes of chunk writes a download may run ahead of. A longer queue was measured slower on the
 * 2-core machine (cold start 15.2 s against 12.7 s with 256 MB queued): queued puts structured-
 * clone on this thread and contend with the session build. The last few writes still overlap
 * the session build (commit waits for them).
 */
const MAX_BYTES_IN_FLIGHT = 16 * 1024 * 1024;

/** Receives a file's bytes, stores them chunk by chunk, and assembles the file in memory. */
export class ChunkWriter {
  private file: Uint8Array | null = null;
  private parts: Uint8Array[] = [];
  private readonly pending: Uint8Array<ArrayBuffer>;
  private fill = 0;
  private hash = new Sha256();
  private hashes: string[] = [];
  private size = 0;
  private wholeHash: string | undefined;
  /** Chunk writes not yet confirmed, oldest first. */
  private writing: Promise<void>[] = [];

  constructor(
    private readonly model: string,
    private readonly path: string,
    private readonly chunkBytes: number,
    /** Stores a chunk; null when nothing is cached (then nothing is hashed either). */
    private readonly store: ((key: ChunkKey, bytes: Uint8Array<ArrayBuffer>) => Promise<void>) | null,
  ) {
    this.pending = new Uint8Array(chunkBytes);
  }

  /** The file starts over; `total` preallocates it when known. */
  async restart(total?: number): Promise<void> {
    // Chunks of an abandoned attempt may still be landing: let them, before any of the new
    // attempt's chunks (same keys) is written, so no stale chunk lands last.
    await Promise.allSettled(this.writing.splice(0));
    this.file = total !== undefined ? new Uint8Array(total) : null;
    this.parts = [];
    this.fill = 0;
    this.hash = new Sha256();
    this.hashes = [];
    this.size = 0;
  }

  async write(piece: Uint8Array): Promise<void> {
    if (this.store) this.hash.update(piece);
    let p = 0;
    while (p < piece.length) {
      const take = Math.min(this.chunkBytes - this.fill, piece.length - p);
      this.pending.set(piece.subarray(p, p + take), this.fill);
      this.fill += take;
      p += take;
      if (this.fill === this.chunkBytes) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    // A copy of exactly this chunk: IndexedDB would otherwise store the whole backing buffer.
    const bytes = this.pending.slice(0, this.fill);
    const index = this.hashes.length;
    if (this.store) {
      const store = this.store;
      // Stored while the download goes on; a few chunks at most in flight, so a slow disk
      // holds the network back instead of filling memory.
      this.hashes.push(chunkCheck(bytes));
      const work = store(chunkKey(this.model, this.path, index), bytes);
      work.catch(() => undefined); // surfaced by the await below or in finish()
      this.writing.push(work);
      if (this.writing.length * this.chunkBytes > MAX_BYTES_IN_FLIGHT) await this.writing.shift();
    } else {
      this.hashes.push('');
    }
    // Straight into the preallocated file while the bytes fit; should more come than announced,
    // the rest is kept aside and the file assembled at the end.
    if (this.file && this.parts.length === 0 && this.size + bytes.length <= this.file.length) this.file.set(bytes, this.size);
    else this.parts.push(bytes);
    this.size += bytes.length;
    this.fill = 0;
  }

  /**
   * The file's bytes, and `stored`: resolves with its manifest entry once every chunk is in
   * IndexedDB (the chunk hashes are known only then), rejects if a write failed.
   */
  async finish(): Promise<{ bytes: Uint8Array; stored: Promise<StoredFile> }> {
    if (this.fill > 0 || this.hashes.length === 0) await this.flush();
    const writes = this.writing.splice(0);
    // Every write settles before a failure is reported, so a cleanup after it deletes them all.
    const stored = Promise.allSettled(writes).then((results) => {
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return this.entry();
    });
    stored.catch(() => undefined); // awaited by commit or discard
    return { bytes: this.assemble(), stored };
  }

  /** Lets the writes in flight land (or fail): after this, no chunk of this file is still coming. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.writing.splice(0));
  }

  private entry(): StoredFile {
    return { size: this.size, chunkBytes: this.chunkBytes, sha256: this.wholeHash!, chunks: this.hashes };
  }

  private assemble(): Uint8Array {
    this.wholeHash = this.hash.hex();
    if (this.file && this.parts.length === 0 && this.file.length === this.size) return this.file;
    // Size unknown (or not as announced): assemble what came.
    const bytes = new Uint8Array(this.size);
    const placed = this.size - this.parts.reduce((n, p) => n + p.length, 0);
    if (this.file) bytes.set(this.file.subarray(0, placed));
    let offset = placed;
    for (const part of this.parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return bytes;
  }
}
