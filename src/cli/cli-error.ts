// How the command ends: exit codes a shell expects, and a one-line message for each failure.
import { isClipError } from '../shared/errors';

export const EXIT = {
  ok: 0,
  /** The command could not do its work (a missing file, a bad model, a damaged library). */
  failed: 1,
  /** Wrong arguments: the usage is printed. */
  usage: 2,
  /** Ctrl-C: what was done is saved, the library file is complete. */
  interrupted: 130,
} as const;

/** Wrong arguments (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The message and exit code for an error that ends the command. */
export function failure(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError) return { message: error.message, code: EXIT.usage };
  if (isClipError(error, 'ABORTED')) return { message: 'interrupted', code: EXIT.interrupted };
  if (isClipError(error)) return { message: `${error.message} (${error.code})`, code: EXIT.failed };
  return { message: error instanceof Error ? error.message : String(error), code: EXIT.failed };
}
