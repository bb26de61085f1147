/**
 * Narrows an unknown caught value to a Node system error carrying an errno `code`. Duck-typed on
 * purpose: `instanceof Error` fails for errors created in another realm (vm contexts, Jest).
 */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}
