/** The key every run of one tool call shares: tool_use ids are unique within a generation. */
export function idempotencyKeyFor(generationId: string, toolUseId: string): string {
  return `${generationId}/${toolUseId}`;
}
