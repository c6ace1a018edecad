// comlink transfer handlers, installed on both sides: a ClipError crosses intact (code, failures,
// embeddings), and an AbortSignal aborts in the worker when it aborts on the page.
import * as Comlink from 'comlink';
import { ClipError, type ClipErrorCode, type ClipFailure } from './errors';

interface SerializedError {
  message: string;
  name?: string;
  stack?: string;
  code?: ClipErrorCode;
  failures?: readonly ClipFailure[];
  embeddings?: readonly (Float32Array | undefined)[];
}
interface SerializedThrow {
  isError: boolean;
  value: unknown;
}
type ThrowHandler = Comlink.TransferHandler<{ value: unknown }, SerializedThrow>;

let installed = false;

/** Call once on each side of the boundary, before the first call crosses it. */
export function installTransferHandlers(): void {
  if (installed) return;
  installed = true;
  installThrowHandler();
  Comlink.transferHandlers.set('abortSignal', abortSignalHandler as Comlink.TransferHandler<unknown, unknown>);
}

/**
 * Wraps comlink's built-in "throw" handler (its marker symbol is private, so we delegate to it
 * rather than replace it) to carry ClipError's code and partial results.
 */
function installThrowHandler(): void {
  const builtIn = Comlink.transferHandlers.get('throw') as ThrowHandler | undefined;
  if (!builtIn) throw new Error('comlink has no "throw" transfer handler to extend');
  const handler: ThrowHandler = {
    canHandle: (value: unknown): value is { value: unknown } => builtIn.canHandle(value),
    serialize(thrown) {
      const [serialized, transferables] = builtIn.serialize(thrown);
      const error = thrown.value;
      if (error instanceof ClipError && serialized.isError) {
        const out = serialized.value as SerializedError;
        out.code = error.code;
        if (error.failures) out.failures = error.failures.map(({ index, code, message }) => ({ index, code, message }));
        if (error.embeddings) {
          out.embeddings = error.embeddings;
          for (const v of error.embeddings) if (v) transferables.push(v.buffer as ArrayBuffer);
        }
      }
      return [serialized, transferables];
    },
    deserialize(serialized) {
      const value = serialized.value as SerializedError | undefined;
      if (serialized.isError && value?.code !== undefined) {
        const details: ConstructorParameters<typeof ClipError>[2] = {};
        if (value.failures) details.failures = value.failures;
        if (value.embeddings) details.embeddings = value.embeddings;
        const error = new ClipError(value.code, value.message, details);
        if (value.stack !== undefined) error.stack = value.stack;
        throw error;
      }
      return builtIn.deserialize(serialized);
    },
  };
  Comlink.transferHandlers.set('throw', handler as Comlink.TransferHandler<unknown, unknown>);
}

interface SerializedSignal {
  aborted: boolean;
  reason: string;
  port: MessagePort;
}

/**
 * An AbortSignal cannot be posted. It crosses as a MessagePort: the page side posts once when
 * the signal aborts, and the worker side aborts a controller of its own, so the worker's
 * signal mirrors the page's.
 */
const abortSignalHandler: Comlink.TransferHandler<AbortSignal, SerializedSignal> = {
  canHandle: (value: unknown): value is AbortSignal => typeof AbortSignal !== 'undefined' && value instanceof AbortSignal,
  serialize(signal) {
    const { port1, port2 } = new MessageChannel();
    const describe = (): string => (signal.reason instanceof Error ? signal.reason.message : String(signal.reason));
    if (!signal.aborted) {
      signal.addEventListener(
        'abort',
        () => {
          port1.postMessage(describe());
          port1.close();
        },
        { once: true },
      );
    }
    return [{ aborted: signal.aborted, reason: signal.aborted ? describe() : '', port: port2 }, [port2]];
  },
  deserialize({ aborted, reason, port }) {
    const controller = new AbortController();
    if (aborted) {
      controller.abort(new Error(reason));
      port.close();
    } else {
      port.onmessage = (event: MessageEvent<string>) => {
        controller.abort(new Error(event.data));
        port.close();
      };
    }
    return controller.signal;
  },
};
