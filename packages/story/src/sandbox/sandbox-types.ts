// The one interface every script runtime implements, and the capability API scripts may use.

/** Languages a script cell, door condition or markdown expression can be written in. */
export type ScriptLanguage = 'javascript' | 'python';

/** Log levels scripts may use; numbers as in the original's StreamLog. */
export type ScriptLogLevel = 'debug' | 'info' | 'warning' | 'error';

/**
 * What a running script may ask the host for. The engine implements it per listener; every
 * method is asynchronous and must honour `signal` (the listener left or the run was cancelled).
 */
export interface ScriptCapabilities {
  /** Resolves with the variable's value as soon as it exists; rejects with TIMEOUT after `timeoutMs`. */
  waitForVariable(name: string, timeoutMs: number, signal: AbortSignal): Promise<string>;
  /** Waits without using CPU. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** A fresh read of all stream variables. */
  getVariables(): Promise<Record<string, string>>;
  /** A line for the stream log. */
  log(level: ScriptLogLevel, message: string): void;
  /** Shows a dialog (already untrusted output: the host normalises it) to the listener. */
  emitDialog(dialog: unknown): Promise<void>;
}

/** Limits of one run; defaults come from the sandbox options. */
export interface SandboxLimits {
  /** Longest uninterrupted stretch of script execution (CPU time) before the run is killed. */
  cpuTimeMs: number;
  /** Total lifetime of a run including waits. */
  wallTimeMs: number;
  /** Memory a JavaScript run may allocate (bytes). Python runs share their worker's heap cap. */
  memoryBytes: number;
}

/** The three things a sandbox evaluates. */
export type ScriptMode = 'cell' | 'condition' | 'expression';

/** Input of {@link ScriptSandbox.run}. */
export interface ScriptRunRequest {
  language: ScriptLanguage;
  mode: ScriptMode;
  code: string;
  /** Stream variables visible as `vars`. */
  variables: Record<string, string>;
  capabilities: ScriptCapabilities;
  signal?: AbortSignal;
  limits?: Partial<SandboxLimits>;
}

/** How a run failed. */
export type ScriptFailureKind =
  'script' | 'syntax' | 'timeout' | 'memory' | 'cancelled' | 'crashed' | 'unavailable';

/** A failed run: the message is safe to log; line/column point into the user's code. */
export interface ScriptFailure {
  kind: ScriptFailureKind;
  message: string;
  line?: number;
  column?: number;
}

/**
 * Result of a run. Variable changes are reported even when the script failed part way (the
 * original persisted changes made before an error). `value` is the condition/expression result.
 */
export interface ScriptRunResult {
  ok: boolean;
  value?: unknown;
  changed: Record<string, string>;
  deleted: string[];
  error?: ScriptFailure;
}

/** Result of {@link ScriptSandbox.checkSyntax}; line and column are 1-based. */
export type SyntaxCheckResult =
  { ok: true } | { ok: false; line: number; column: number; message: string };

/** Input of {@link ScriptSandbox.checkSyntax}. */
export interface SyntaxCheckRequest {
  language: ScriptLanguage;
  code: string;
  /** `cell` (default) or `condition`/`expression`. */
  mode?: ScriptMode;
}

/**
 * Runs untrusted user code away from the host realm. Implementations keep every run inside a
 * worker thread and a WASM VM, with deadlines and memory caps, and never throw for script errors:
 * failures come back as `{ ok: false, error }`.
 */
export interface ScriptSandbox {
  run(request: ScriptRunRequest): Promise<ScriptRunResult>;
  checkSyntax(request: SyntaxCheckRequest): Promise<SyntaxCheckResult>;
  /** Starts workers ahead of the first run (Pyodide takes a few seconds to load). */
  warmUp(languages?: ScriptLanguage[]): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
