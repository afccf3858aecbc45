export { type RunInProgress, type RunSteps, WorkspaceRuns } from './workspace-runs.js';
