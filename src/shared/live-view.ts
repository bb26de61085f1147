import type { GenerationEvent } from './events';
import { reduce } from './reducer';
import { initialState, type GenerationState } from './state';

/**
 * What a live client shows: the state (the one reducer) and the assistant text built from the
 * `text.delta` events themselves, since `state.text` holds only a bounded tail. A superseded attempt's
 * text is dropped; after a snapshot (the client fell behind the buffer) the text starts from the
 * snapshot's, the most the server still has.
 */
export interface LiveView {
  state: GenerationState;
  /** Text of earlier iterations and of the current one, superseded attempts removed. */
  text: string;
  /** Where the current iteration's text starts in `text`. */
  iterationStart: number;
}

export const emptyLiveView: LiveView = Object.freeze({ state: initialState, text: '', iterationStart: 0 });

export function liveViewFromSnapshot(state: GenerationState): LiveView {
  return { state, text: state.text, iterationStart: Math.min(state.iterationTextStart, state.text.length) };
}

export function applyLiveEvent(view: LiveView, event: GenerationEvent): LiveView {
  // Already folded (a repeat after a reconnect): nothing changes.
  if (event.seq <= view.state.lastSeq) return view;
  const state = reduce(view.state, event);
  switch (event.type) {
    case 'iteration.started':
      return { state, text: view.text, iterationStart: view.text.length };
    case 'text.delta':
      return { state, text: view.text + event.text, iterationStart: view.iterationStart };
    case 'attempt.superseded':
      return { state, text: view.text.slice(0, view.iterationStart), iterationStart: view.iterationStart };
    default:
      return { ...view, state };
  }
}
