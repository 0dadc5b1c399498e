import { isEngineError, type EngineError } from '../errors/index.js';

/** The EngineError a promise rejects with (anything else fails the test). */
export async function engineError(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    if (isEngineError(e)) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

/** What a `Validation failed` EngineError says: its message and the fields it names. */
export interface ValidationFailure {
  readonly message: string;
  readonly details: { path: string; message: string }[];
}

/** The `Validation failed` EngineError `fn` throws (anything else fails the test). */
export function validationFailure(fn: () => unknown): ValidationFailure {
  try {
    fn();
  } catch (e) {
    if (isEngineError(e) && e.error === 'Validation failed') return { message: e.message, details: [...(e.details ?? [])] };
    throw e;
  }
  throw new Error('expected a validation failure');
}
