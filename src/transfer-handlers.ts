// comlink transfer handlers shared by the client and the worker: a ClipError thrown in the
// worker reaches the page as a ClipError with the same code, not a bare Error.
import * as Comlink from 'comlink';
import { ClipError, type ClipErrorCode } from './core/errors';

interface SerializedError {
  message: string;
  name?: string;
  stack?: string;
  code?: ClipErrorCode;
}
interface SerializedThrow {
  isError: boolean;
  value: unknown;
}
type ThrowHandler = Comlink.TransferHandler<{ value: unknown }, SerializedThrow>;

let installed = false;

/**
 * Wraps comlink's built-in "throw" handler (its marker symbol is private, so we delegate to it
 * rather than replace it) to carry ClipError's `code`. Call once on each side of the boundary.
 */
export function installTransferHandlers(): void {
  if (installed) return;
  const builtIn = Comlink.transferHandlers.get('throw') as ThrowHandler | undefined;
  if (!builtIn) throw new Error('comlink has no "throw" transfer handler to extend');
  installed = true;
  const handler: ThrowHandler = {
    canHandle: (value: unknown): value is { value: unknown } => builtIn.canHandle(value),
    serialize(thrown) {
      const [serialized, transferables] = builtIn.serialize(thrown);
      if (thrown.value instanceof ClipError && serialized.isError) {
        (serialized.value as SerializedError).code = thrown.value.code;
      }
      return [serialized, transferables];
    },
    deserialize(serialized) {
      const value = serialized.value as SerializedError | undefined;
      if (serialized.isError && value?.code !== undefined) {
        const error = new ClipError(value.code, value.message);
        if (value.stack !== undefined) error.stack = value.stack;
        throw error;
      }
      return builtIn.deserialize(serialized);
    },
  };
  Comlink.transferHandlers.set('throw', handler as Comlink.TransferHandler<unknown, unknown>);
}
