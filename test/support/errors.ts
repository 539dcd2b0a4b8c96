import { MeshValidationError } from '../../lib';

/** The message of the error that `fn` throws at once, which must be the library's MeshValidationError. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MeshValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a MeshValidationError, but nothing was thrown');
}
