import { createHash } from 'node:crypto';
import type { MessageParam } from '../shared/model-turn';
import type { BlobStore } from './blob-store';

interface MessageNode {
  prev: string | null;
  message: MessageParam;
}

/**
 * The conversation of each generation, one message per stored node, each linked to the one before:
 * a turn writes only its new messages, and a head names the whole conversation up to it. A node's
 * name is the hash of its content and predecessor, so writing a message again (a retried model call,
 * a superseded attempt) lands on the same node, and nodes never change: every process may cache them.
 */
export class ConversationStore {
  private readonly cache = new Map<string, { node: MessageNode; bytes: number }>();
  private cachedBytes = 0;

  constructor(
    private readonly blobs: BlobStore,
    /** Nodes kept in memory, in bytes of JSON: a worker reads its generations' conversations every turn. */
    private readonly cacheBytes = 256 * 1024 * 1024,
  ) {}

  /** Stores `messages` after `head` and returns the new head (`head` itself when there is nothing to add). */
  async append(generationId: string, head: string | null, messages: readonly MessageParam[]): Promise<string | null> {
    let prev = head;
    for (const message of messages) {
      const json = JSON.stringify({ prev, message });
      const id = createHash('sha256').update(json).digest('hex');
      await this.blobs.put(nodeKey(generationId, id), Buffer.from(json));
      this.remember(id, { prev, message }, json.length);
      prev = id;
    }
    return prev;
  }

  /** Every message up to and including `head`, oldest first. */
  async read(generationId: string, head: string | null): Promise<MessageParam[]> {
    const messages: MessageParam[] = [];
    for (let id = head; id !== null; ) {
      const node = await this.node(generationId, id);
      messages.push(node.message);
      id = node.prev;
    }
    return messages.reverse();
  }

  private async node(generationId: string, id: string): Promise<MessageNode> {
    const cached = this.cache.get(id);
    if (cached) {
      // Re-inserted: the map's order is least recently used first.
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached.node;
    }
    const bytes = await this.blobs.get(nodeKey(generationId, id));
    const node = JSON.parse(Buffer.from(bytes).toString('utf8')) as MessageNode;
    this.remember(id, node, bytes.byteLength);
    return node;
  }

  private remember(id: string, node: MessageNode, bytes: number): void {
    if (this.cache.has(id)) return;
    this.cache.set(id, { node, bytes });
    this.cachedBytes += bytes;
    for (const [oldest, entry] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes) break;
      this.cache.delete(oldest);
      this.cachedBytes -= entry.bytes;
    }
  }
}

function nodeKey(generationId: string, id: string): string {
  return `generations/${generationId}/messages/${id}.json`;
}
