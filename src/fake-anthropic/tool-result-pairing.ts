import type { RequestMessage } from './types';

/**
 * What the Messages API refuses about tool calls in a request (its wording): a tool_use id used twice,
 * a tool_use without exactly one tool_result in the very next message, a tool_result answering no
 * tool_use of the message before. The fake refuses the same, so a product bug fails here as it would there.
 */
export function toolResultPairingProblem(messages: readonly RequestMessage[]): string | undefined {
  const seen = new Set<string>();
  for (const [i, message] of messages.entries()) {
    const blocks = typeof message.content === 'string' ? [] : message.content;
    for (const [j, block] of blocks.entries()) {
      if (block.type !== 'tool_use') continue;
      const id = String(block.id);
      if (seen.has(id)) return `messages.${i}.content.${j}: \`tool_use\` ids must be unique`;
      seen.add(id);
    }
  }
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    const previous = messages[i - 1];
    const asked = new Set(
      previous?.role === 'assistant' && typeof previous.content !== 'string'
        ? previous.content.filter((block) => block.type === 'tool_use').map((block) => String(block.id))
        : [],
    );
    const answered = new Set<string>();
    for (const [j, block] of message.content.entries()) {
      if (block.type !== 'tool_result') continue;
      const id = String(block.tool_use_id);
      if (!asked.has(id)) {
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      if (answered.has(id)) return `messages.${i}: each tool_use must have a single result. Found multiple \`tool_result\` blocks with id: ${id}`;
      answered.add(id);
    }
  }
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'assistant' || typeof message.content === 'string' || i === messages.length - 1) continue;
    const next = messages[i + 1];
    const answered = new Set(
      next.role === 'user' && typeof next.content !== 'string'
        ? next.content.filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id))
        : [],
    );
    const missing = message.content.filter((block) => block.type === 'tool_use' && !answered.has(String(block.id))).map((block) => String(block.id));
    if (missing.length > 0) {
      return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}
