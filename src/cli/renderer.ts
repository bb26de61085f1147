import type { LiveView } from '../shared/live-view';
import type { StreamItem } from './follow-stream';

/** Shows a generation as its stream items arrive; `view` is already updated with `item`. */
export interface Renderer {
  show(view: LiveView, item: StreamItem): void;
  /** The watch ended: the generation finished, or the user detached. Leaves the terminal clean. */
  stop(view: LiveView, note?: string): void;
}
