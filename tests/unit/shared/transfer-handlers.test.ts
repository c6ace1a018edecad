// The worker boundary's transfer handlers over a real MessageChannel (Node's, which comlink
// drives the same way as a worker's): ClipError fields and AbortSignals cross intact.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { ClipError, isClipError } from '../../../src/shared/errors';
import { installTransferHandlers } from '../../../src/shared/transfer-handlers';

installTransferHandlers();

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function connect<T extends object>(api: T): Comlink.Remote<T> {
  const channel = new MessageChannel();
  channels.push(channel);
  Comlink.expose(api, channel.port1 as unknown as Comlink.Endpoint);
  return Comlink.wrap<T>(channel.port2 as unknown as Comlink.Endpoint);
}

describe('transfer handlers', () => {
  it('carry a ClipError with its code, failures and partial embeddings', async () => {
    const remote = connect({
      fail(): void {
        throw new ClipError('BAD_IMAGE', '1 of 3 images failed', {
          failures: [{ index: 1, code: 'BAD_IMAGE', message: 'not an image' }],
          embeddings: [new Float32Array([1, 0]), undefined, new Float32Array([0, 1])],
        });
      },
    });
    const error = await remote.fail().catch((e: unknown) => e);
    expect(isClipError(error, 'BAD_IMAGE')).toBe(true);
    const clipError = error as ClipError;
    expect(clipError.message).toBe('1 of 3 images failed');
    expect(clipError.failures).toEqual([{ index: 1, code: 'BAD_IMAGE', message: 'not an image' }]);
    expect(clipError.embeddings?.map((v) => (v ? Array.from(v) : undefined))).toEqual([[1, 0], undefined, [0, 1]]);
  });

  it('leave other errors as comlink sends them', async () => {
    const remote = connect({
      fail(): void {
        throw new TypeError('plain');
      },
    });
    const error = await remote.fail().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isClipError(error)).toBe(false);
    expect((error as Error).message).toBe('plain');
  });

  it('abort the far side when the near signal aborts, and pass an already-aborted signal as aborted', async () => {
    const remote = connect({
      waitForAbort(signal: AbortSignal): Promise<string> {
        return new Promise((resolve) => {
          if (signal.aborted) resolve(`already: ${(signal.reason as Error).message}`);
          signal.addEventListener('abort', () => resolve(`aborted: ${(signal.reason as Error).message}`));
        });
      },
    });
    const controller = new AbortController();
    const pending = remote.waitForAbort(controller.signal);
    setTimeout(() => controller.abort(new Error('user cancelled')), 10);
    expect(await pending).toBe('aborted: user cancelled');
    expect(await remote.waitForAbort(AbortSignal.abort(new Error('too late')))).toBe('already: too late');
  });
});
