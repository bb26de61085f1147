import { ToolExecutionError } from '../tool-errors';

/** Refuses content over the per-file limit; measured in UTF-8 bytes, as it will be stored. */
export function assertContentFits(content: string, maxFileBytes: number, relativePath: string): number {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > maxFileBytes) {
    throw new ToolExecutionError(`Content for ${relativePath} is too large: ${bytes} bytes exceeds the limit of ${maxFileBytes} bytes`, {
      retryable: false,
    });
  }
  return bytes;
}
