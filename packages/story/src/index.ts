// Public API of @gencaster/story: the graph engine, its ports, the script sandbox and the
// markdown dialect.
export { createEngine, type Engine, type CreateEngineInput } from './engine/create-engine.ts';
export type * from './engine/engine-types.ts';
export { createSeededRandom } from './engine/seeded-random.ts';
export { doorLanguage } from './engine/door-language.ts';
export { sortDoors } from './engine/choose-next-node.ts';
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
