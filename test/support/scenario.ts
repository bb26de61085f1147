import type { GenerationEvent, EventOf } from '../../src/shared/events';

/** A prompt that makes the fake model play the named scenario. */
export function promptFor(scenario: string, text = 'Do the thing'): string {
  return `[[scenario:${scenario}]] ${text}`;
}

export function eventsOfType<T extends GenerationEvent['type']>(events: GenerationEvent[], type: T): EventOf<T>[] {
  return events.filter((event): event is EventOf<T> => event.type === type);
}

export function eventFor<T extends 'tool.detected' | 'tool.started' | 'tool.completed' | 'tool.failed'>(
  events: GenerationEvent[],
  type: T,
  toolUseId: string,
): EventOf<T> {
  const found = eventsOfType(events, type).find((event) => (event as { toolUseId?: string }).toolUseId === toolUseId);
  if (!found) throw new Error(`no ${type} event for ${toolUseId}`);
  return found;
}

export const ms = (iso: string): number => Date.parse(iso);
