import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EventPage } from './event-log';
import type { StreamProgress } from './model-turn';
import type { GenerationState } from './state';

/** The model activity reports stream progress: text in batches, each completed tool call at once. */
export const modelStreamSignal = defineSignal<[StreamProgress]>('modelStream');

export const stateQuery = defineQuery<GenerationState>('state');

export interface EventsQueryArgs {
  after: number;
  limit: number;
}
export const eventsQuery = defineQuery<EventPage, [EventsQueryArgs]>('events');
