// The fake has no tokenizer; ~4 characters per token is the usual rule of thumb and
// is only used for plausible usage numbers and pacing.
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(chars: number): number {
  return chars / CHARS_PER_TOKEN;
}

export function roundTokens(tokens: number): number {
  return Math.max(0, Math.ceil(tokens));
}
