import { ToolExecutionError } from '../tool-errors';
import { defineTool } from '../tool-definition';
import { editFileSpec } from '../specs/edit-file';
import { writeFileOnce } from '../workspace/effect-journal';
import { readTextFile } from '../workspace/read-text-file';
import { resolveInWorkspace } from '../workspace/resolve-in-workspace';

export const editFileTool = defineTool(editFileSpec, async (input, ctx) => {
  const target = await resolveInWorkspace(ctx.workspaceDir, input.path, { forWriting: true });
  // Once per call: applied again, the edit would insert its text twice or find old_text gone.
  return writeFileOnce(ctx, target, async () => {
    const content = await readTextFile(target, ctx.maxFileBytes);

    const first = content.indexOf(input.old_text);
    if (first === -1) {
      throw new ToolExecutionError(
        `old_text not found in ${target.relativePath}. Read the file again and copy the exact text to replace, including whitespace and indentation.`,
      );
    }
    const occurrences = countOccurrences(content, input.old_text);
    if (occurrences > 1) {
      throw new ToolExecutionError(
        `old_text occurs ${occurrences} times in ${target.relativePath}; include more surrounding context in old_text so it matches exactly once.`,
      );
    }

    // Slicing rather than String.replace, which would interpret `$&`, `$1`... in new_text.
    const edited = content.slice(0, first) + input.new_text + content.slice(first + input.old_text.length);
    return { content: edited, result: `Edited ${target.relativePath}: replaced 1 occurrence (file is now ${Buffer.byteLength(edited, 'utf8')} bytes)` };
  });
});

/** Overlapping matches count too: with them the intended spot is just as ambiguous. */
function countOccurrences(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + 1)) count++;
  return count;
}
