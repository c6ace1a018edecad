// SHA-256 of a photo's Blob in Node (EnginePlatform.digest), streamed: a 12 MP file is hashed as it
// is read, instead of read whole into memory and copied again for WebCrypto (16-50 against 6-17
// ms of CPU per 6 MB file, load ~9).
import { createHash } from 'node:crypto';
import { ClipError } from '../../shared/errors';

export async function digestBlob(blob: Blob): Promise<string> {
  const hash = createHash('sha256');
  try {
    const reader = blob.stream().getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) hash.update(next.value);
  } catch (cause) {
    // A file-backed Blob whose file changed or went since it was opened.
    throw new ClipError('BAD_IMAGE', `could not read the file: ${String(cause)}`, { cause });
  }
  return hash.digest('hex');
}
