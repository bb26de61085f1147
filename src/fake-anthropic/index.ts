// Public surface of the scripted fake Anthropic Messages API (real HTTP + SSE).
export { startFakeAnthropic } from './server';
export { calculatorDemoScenario } from './demo-calculator';
export { DEFAULT_SCENARIO_NAME, SCRIPT_FINISHED_TEXT, resolveScriptedTurn, scenarioTag } from './scenario-selection';
export { formatSseFrame } from './sse-writer';
export type {
  FakeAnthropicOptions,
  FakeAnthropicServer,
  HttpErrorSpec,
  MessagesRequestBody,
  RecordedBlockStop,
  RecordedRequest,
  RecordedResponse,
  RequestContentBlock,
  RequestMessage,
  Scenario,
  ScenarioContext,
  ScenarioFunction,
  ScriptedTurn,
  ScriptStep,
  StopReason,
  TurnUsage,
} from './types';
