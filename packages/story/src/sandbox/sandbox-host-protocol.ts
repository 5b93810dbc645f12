// Messages between the backend (create-script-sandbox.ts) and the boxed sandbox host process
// (sandbox-host.ts), sent as JSON over the Node IPC channel in batches (arrays, message-batcher.ts). Nothing in them is a capability by
// itself: the host can only ask the backend to act for a run the backend started.
import type { LocalSandboxOptions } from './create-local-sandbox.ts';
import type {
  ScriptLanguage,
  ScriptMode,
  ScriptRunResult,
  SandboxLimits,
  SyntaxCheckResult,
} from './sandbox-types.ts';
import type { HostMethod } from './worker-protocol.ts';

/** Settings the host needs; sent once, first. */
export type HostSettings = Omit<LocalSandboxOptions, 'entries'>;

/** Backend → host. */
export type ToHost =
  | { kind: 'settings'; settings: HostSettings }
  | {
      kind: 'run';
      id: number;
      language: ScriptLanguage;
      mode: ScriptMode;
      code: string;
      variables: Record<string, string>;
      limits?: Partial<SandboxLimits>;
    }
  | { kind: 'cancel'; id: number }
  | { kind: 'check'; id: number; language: ScriptLanguage; mode: ScriptMode; code: string }
  | { kind: 'warmUp'; id: number; languages: ScriptLanguage[] }
  | { kind: 'reply'; callId: number; ok: boolean; value?: unknown; error?: string };

/** Host → backend. */
export type FromHost =
  | { kind: 'beat' }
  | { kind: 'done'; id: number; result: ScriptRunResult }
  | { kind: 'checked'; id: number; result: SyntaxCheckResult }
  | { kind: 'warmed'; id: number }
  | { kind: 'call'; id: number; callId: number; method: HostMethod; args: unknown[] }
  | { kind: 'log'; id: number; level: string; message: string };
