import type { EventLogSnapshot } from '../../shared/event-log';
import type { ConversationCursor } from '../../shared/generation';
import type { ConversationStore } from '../../storage/conversation-store';
import type { EventLogArchive } from '../../storage/event-log-archive';

export interface ArchiveDeps {
  conversations: ConversationStore;
  eventLogs: EventLogArchive;
}

export interface ArchiveGenerationInput {
  generationId: string;
  log: EventLogSnapshot;
  conversation: ConversationCursor;
}

export interface ArchivedGeneration {
  eventLogKey: string;
  transcriptHead: string | null;
}

/**
 * A run's end: its event log and the last messages of its conversation go to the store, so the
 * workflow's result is a summary that points at them.
 */
export function createArchiveGeneration(deps: ArchiveDeps) {
  return async function archiveGeneration(input: ArchiveGenerationInput): Promise<ArchivedGeneration> {
    const transcriptHead = await deps.conversations.append(input.generationId, input.conversation.head, input.conversation.pending);
    const eventLogKey = await deps.eventLogs.save(input.generationId, input.log);
    return { eventLogKey, transcriptHead };
  };
}
