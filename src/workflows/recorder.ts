import { deriveActivity, sameActivity, type ModelPhase } from '../shared/ai-activity';
import { boundEvent } from '../shared/bounded-event';
import { EventLog, type EventLogSnapshot } from '../shared/event-log';
import type { GenerationEventBody } from '../shared/events';
import { GenerationStatus, ToolStatus, type GenerationState } from '../shared/state';
import { CurrentDetails } from './current-details';
import { SearchAttributeSync } from './search-attributes';

/** Workflow time is the current workflow task's time: deterministic, and close to when it happened. */
export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * The workflow's single writer of events. After every event it re-derives what the AI is doing and
 * records an `activity.changed` when that moved, so clients learn it from events like everything else.
 */
export class Recorder {
  readonly log: EventLog;
  private modelPhase: ModelPhase = 'none';
  private readonly searchAttributes: SearchAttributeSync;
  private readonly details = new CurrentDetails();

  /** A run that continues a generation starts from the previous run's log, so `seq` goes on unbroken. */
  constructor(eventBufferSize: number, carried?: EventLogSnapshot, upsertSearchAttributes = false) {
    this.log = new EventLog(eventBufferSize, carried);
    this.searchAttributes = new SearchAttributeSync(upsertSearchAttributes);
  }

  get state(): GenerationState {
    return this.log.state;
  }

  emit(body: GenerationEventBody, at: string = nowIso()): void {
    this.log.append(boundEvent(body), at);
    // Streamed text, most of a generation's events, changes neither the activity, the search attributes
    // nor the details: skipping their derivation there records exactly what running it would.
    if (body.type === 'text.delta' || body.type === 'thinking.delta') return;
    this.refreshActivity(at);
    this.searchAttributes.sync(this.log.state);
    this.details.refresh(this.log.state);
  }

  setModelPhase(phase: ModelPhase, at: string = nowIso()): void {
    if (phase === this.modelPhase) return;
    this.modelPhase = phase;
    this.refreshActivity(at);
    this.details.refresh(this.log.state);
  }

  private refreshActivity(at: string): void {
    const state = this.log.state;
    const next = deriveActivity({
      running: state.status === GenerationStatus.running || state.status === GenerationStatus.waiting,
      modelPhase: this.modelPhase,
      runningToolNames: state.tools.filter((tool) => tool.status === ToolStatus.running).map((tool) => tool.name),
      waitingToolNames: state.tools.filter((tool) => tool.status === ToolStatus.pending).map((tool) => tool.name),
      undecidedToolNames: state.tools.filter((tool) => tool.awaitingDecisionUntil !== null).map((tool) => tool.name),
      unapprovedToolNames: state.tools.filter((tool) => tool.status === ToolStatus.awaitingApproval).map((tool) => tool.name),
    });
    if (!sameActivity(next, state.activity)) this.log.append({ type: 'activity.changed', activity: next }, at);
  }
}
