import type { GenerationEvent, GenerationEventBody } from '../../src/shared/events';
import { applyLiveEvent, emptyLiveView, liveViewFromSnapshot, type LiveView } from '../../src/shared/live-view';
import { foldEvents } from '../../src/shared/reducer';

function events(bodies: GenerationEventBody[]): GenerationEvent[] {
  return bodies.map((body, i) => ({ ...body, seq: i + 1, at: new Date(1_000 * i).toISOString() }) as GenerationEvent);
}

const log = events([
  { type: 'generation.started', generationId: 'g', prompt: 'p', model: 'm', maxIterations: 5 },
  { type: 'iteration.started', iteration: 1 },
  { type: 'text.delta', iteration: 1, attempt: 1, text: 'First. ' },
  { type: 'iteration.started', iteration: 2 },
  { type: 'text.delta', iteration: 2, attempt: 1, text: 'lost words' },
  { type: 'attempt.superseded', iteration: 2, attempt: 1 },
  { type: 'text.delta', iteration: 2, attempt: 2, text: 'Second.' },
  { type: 'generation.completed', stopReason: 'end_turn' },
]);

test('text is built from the deltas, without a superseded attempt, and the state is the reducer fold', () => {
  const view = log.reduce(applyLiveEvent, emptyLiveView);
  expect(view.text).toBe('First. Second.');
  expect(view.state).toEqual(foldEvents(log));
});

test('a repeated event changes nothing', () => {
  const view = log.slice(0, 5).reduce(applyLiveEvent, emptyLiveView);
  expect(applyLiveEvent(view, log[4])).toBe(view);
});

test('after a snapshot the text continues from the snapshot state', () => {
  const snapshot = foldEvents(log.slice(0, 4));
  const view = log.slice(4).reduce<LiveView>(applyLiveEvent, liveViewFromSnapshot(snapshot));
  expect(view.text).toBe('First. Second.');
});
