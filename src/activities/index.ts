import { createStreamModelTurn, type ModelActivityDeps } from './model/stream-model-turn';
import { createRunTool, type ToolActivityDeps } from './tools/run-tool';

export type ActivityDeps = ModelActivityDeps & ToolActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    streamModelTurn: createStreamModelTurn(deps),
    runTool: createRunTool(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
