import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ToolContext } from '../tool-context';
import { assertContentFits } from './content-size';
import { isErrnoException } from './errno';
import type { WorkspacePath } from './resolve-in-workspace';
import { writeFileAtomic } from './write-file-atomic';
import { writeTextFile } from './write-text-file';

/** Hidden (dot-prefixed, so list_files leaves it out) and inside the workspace, so every worker that sees the files sees the journal. */
export const EFFECT_JOURNAL_DIR = '.toolstream/effects';

/** One applied (or about to be applied) file effect of one tool call. */
interface JournalEntry {
  key: string;
  /** Relative to the workspace. */
  path: string;
  /** SHA-256 of the content the effect leaves in `path`. */
  sha256: string;
  /** What the tool answered the first time: a re-run answers the same. */
  result: string;
}

/**
 * Writes one workspace file at most once per tool call. `plan` computes the new content and the
 * tool's answer from the file as it is now; it is not called when this call's write already
 * happened, and then the first run's answer comes back.
 *
 * The journal entry is written (atomically) before the file, and a re-run trusts it only when the
 * file holds exactly the content it names: a crash between the two leaves an entry whose effect
 * did not land, and the re-run then applies it afresh. Nothing else writes that file meanwhile,
 * because calls on the same file run one after another and the next one starts only when this
 * call's completion is recorded.
 */
export async function writeFileOnce(
  ctx: ToolContext,
  target: WorkspacePath,
  plan: () => Promise<{ content: string; result: string }>,
): Promise<string> {
  const applied = await appliedResult(ctx, target);
  if (applied !== undefined) return applied;
  const { content, result } = await plan();
  assertContentFits(content, ctx.maxFileBytes, target.relativePath);
  await record(ctx, { key: ctx.idempotencyKey, path: target.relativePath, sha256: sha256(content), result });
  await writeTextFile(target, content, ctx.maxFileBytes);
  return result;
}

/** The first run's answer when this call's effect is in place, else undefined. */
async function appliedResult(ctx: ToolContext, target: WorkspacePath): Promise<string | undefined> {
  const entry = await readEntry(ctx);
  if (!entry || entry.path !== target.relativePath) return undefined;
  const current = await readIfExists(target.absolutePath);
  return current !== undefined && sha256(current) === entry.sha256 ? entry.result : undefined;
}

async function readEntry(ctx: ToolContext): Promise<JournalEntry | undefined> {
  const text = await readIfExists(entryPath(ctx));
  if (text === undefined) return undefined;
  try {
    const entry = JSON.parse(text.toString('utf8')) as JournalEntry;
    return entry.key === ctx.idempotencyKey ? entry : undefined;
  } catch {
    return undefined; // unreadable: as if never written, the effect is applied afresh
  }
}

async function record(ctx: ToolContext, entry: JournalEntry): Promise<void> {
  await writeFileAtomic(entryPath(ctx), JSON.stringify(entry));
}

function entryPath(ctx: ToolContext): string {
  // Hashed: a key holds ids from outside (the model's tool_use id) that must not become path segments.
  return path.join(ctx.workspaceDir, EFFECT_JOURNAL_DIR, `${sha256(ctx.idempotencyKey)}.json`);
}

async function readIfExists(absolutePath: string): Promise<Buffer | undefined> {
  try {
    return await readFile(absolutePath);
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR')) return undefined;
    throw error;
  }
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
