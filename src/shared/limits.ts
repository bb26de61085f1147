/**
 * The failure type of a generation that hit a limit nothing can lift while it runs (a payload too
 * large for Temporal, a history too long): it fails at once, with an error that names the limit.
 */
export const limitExceededType = 'LimitExceeded';

/** Bytes as a person reads them in an error message. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
