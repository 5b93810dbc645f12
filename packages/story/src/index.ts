// Public API of @gencaster/story: the graph engine, its ports, the script sandbox and the
// markdown dialect.
export { createEngine, type Engine, type CreateEngineInput } from './engine/create-engine.ts';
export type * from './engine/engine-types.ts';
export { createSeededRandom } from './engine/seeded-random.ts';
export { systemClock } from './engine/system-clock.ts';
export { doorLanguage } from './engine/door-language.ts';
export { sortDoors } from './engine/choose-next-node.ts';
// Places (issue 19): the pure tracker, trigger rules, derived variables and the per-listener runtime.
export {
  createPlaceTracker,
  emptyPlaceWalkState,
  type PlaceFix,
  type PlaceReading,
  type PlaceTracker,
  type PlaceTrackerOptions,
  type PlaceUpdate,
  type PlaceWalkState,
  type TrackedPlace,
  type FixKind,
} from './places/place-tracker.ts';
export {
  isTriggerOpen,
  markTriggerUsed,
  nextDwellDeadline,
  type TriggerContext,
} from './places/place-triggers.ts';
export {
  createPlaceVariableDiff,
  fixFromVariables,
  isPlaceVariable,
  parsePlaceWalkState,
  placeStateVariable,
  placeVariableNames,
  placeVariablePrefixes,
  placeVariables,
} from './places/place-variables.ts';
export {
  createPlaceRuntime,
  type PlaceRuntime,
  type PlaceRuntimeOptions,
} from './places/place-runtime.ts';
export {
  normalizeDialog,
  buttonTypes,
  callbackActions,
  type Dialog,
  type DialogButton,
  type DialogText,
  type DialogInput,
  type DialogCheckbox,
  type ButtonType,
  type CallbackAction,
} from './dialog.ts';
export type * from './sandbox/sandbox-types.ts';
export {
  createScriptSandbox,
  inspectSandboxConfinement,
  type SandboxConfinement,
  type ScriptSandboxOptions,
} from './sandbox/create-script-sandbox.ts';
export {
  markdownToSsml,
  defaultVoices,
  type MarkdownToSsmlOptions,
  type SsmlResult,
  type VoiceNames,
} from './markdown/markdown-to-ssml.ts';
export { validateMarkdown, type MarkdownProblem } from './markdown/validate-markdown.ts';
export { escapeXml } from './markdown/xml-escape.ts';
// In-memory ports and a graph builder: for tests, benchmarks and as reference implementations.
export {
  createMemoryPorts,
  createMemoryGraphSource,
  createMemoryVariableStore,
  createSystemClock,
  createRecordingInstructions,
  type MemoryGraph,
  type MemoryPorts,
  type MemoryPortsOptions,
} from './testing/memory-ports.ts';
export { createGraphBuilder } from './testing/graph-builder.ts';
