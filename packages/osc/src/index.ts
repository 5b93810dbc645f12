// @gencaster/osc: the OSC protocol between the backend and stream points,
// the UDP server and instruction sender, safe sclang literals, and our SuperCollider class.
export type {
  AckBus,
  InstructionAck,
  InstructionLedger,
  LogSink,
  OscLogEntry,
  OscLogger,
  RemoteAction,
  RemoteActionRunner,
  BeaconOutcome,
  StreamPointRegistry,
} from './ports.ts';
export { silentOscLogger } from './ports.ts';
export { createInProcessAckBus } from './ack-bus.ts';
export {
  createOscServer,
  type OscServer,
  type OscServerOptions,
  type OscServerStats,
} from './osc-server.ts';
export {
  createInstructionSender,
  defaultInstructionTimeoutMs,
  type InstructionRequest,
  type InstructionResult,
  type InstructionSender,
  type InstructionSenderOptions,
} from './instruction-sender.ts';
export {
  OSC_PROTOCOL_VERSION,
  parseAcknowledgement,
  parseBeacon,
  parseLog,
  parseRemoteAction,
  parseRemoteTarget,
  type Acknowledgement,
  type Beacon,
  type LogRequest,
  type RemoteActionRequest,
  type RemoteActionTarget,
} from './osc-messages.ts';
export { decodeOscPacket, encodeOscMessage } from './osc-codec.ts';
export {
  keyValueRecord,
  oscArgumentValues,
  sclangText,
  SCLANG_MAX_STRING_BYTES,
  type OscValue,
  type OutgoingOscValue,
} from './osc-values.ts';
export {
  canonicalText,
  constantTimeEqual,
  createMessageAuthenticator,
  isLoopback,
  positionalCanonicalText,
  signatureTrailer,
  signRecord,
  signatureOf,
  type MessageAuthenticator,
} from './message-auth.ts';
export { createMemoryReplayGuard, type ReplayGuard } from './replay-guard.ts';
export {
  createPasswordLimiter,
  type PasswordLimiter,
  type PasswordLimiterOptions,
} from './password-limiter.ts';
export { loadOrCreateOscSecret, OSC_SECRET_FILE } from './osc-secret-file.ts';
export {
  cleanupInstruction,
  playBufferInstruction,
  sclangNumber,
  sclangString,
  setStreamVariableInstruction,
  stopPlaybackInstruction,
  syncPlayBufferInstruction,
  type InstructionTemplate,
} from './sclang-literals.ts';
export {
  defaultSuperColliderExtensionTarget,
  installSuperColliderExtension,
  superColliderExtensionDir,
  superColliderStartupFile,
  type InstallExtensionOptions,
} from './supercollider-extension.ts';
