import { createHash } from 'node:crypto';
import type { EventLogSnapshot } from '../shared/event-log';
import type { BlobStore } from './blob-store';

/**
 * A finished run's event log (state and every buffered event), kept in the store so the workflow's
 * result can be a summary and a finished generation stays readable with no worker.
 */
export class EventLogArchive {
  constructor(private readonly blobs: BlobStore) {}

  async save(generationId: string, log: EventLogSnapshot): Promise<string> {
    const json = JSON.stringify(log);
    const key = `generations/${generationId}/event-logs/${log.state.lastSeq}-${createHash('sha256').update(json).digest('hex').slice(0, 16)}.json`;
    await this.blobs.put(key, Buffer.from(json));
    return key;
  }

  async load(key: string): Promise<EventLogSnapshot> {
    return JSON.parse(Buffer.from(await this.blobs.get(key)).toString('utf8')) as EventLogSnapshot;
  }
}
