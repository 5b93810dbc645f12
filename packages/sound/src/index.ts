export { startSoundFleet, defaultSuperColliderPaths, FIXTURE_STARTUP_FILE } from './sound-fleet.ts';
export type { SoundFleet, SoundFleetOptions, SoundFleetPoint } from './sound-fleet.ts';
export {
  readFleetStatus,
  formatFleetStatus,
  writeFleetStatus,
  formatDuration,
  FLEET_STATUS_FILE,
} from './fleet-status.ts';
export type { FleetStatus, FleetPointStatus } from './fleet-status.ts';
export type { StreamPointStatus, PointProcessStatus, StreamPointPorts } from './stream-point.ts';
export type { ProcessStatus, ProcessState } from './supervised-process.ts';
export { createSupervisedProcess } from './supervised-process.ts';
export type { SupervisedProcess, SupervisedProcessOptions } from './supervised-process.ts';
export type { AudioLevel } from './level-meter.ts';
export { parseLevelLine, createLevelMeter } from './level-meter.ts';
export type { OutPipelineTuning, OutPipelineOptions } from './gst-pipelines.ts';
export { outPipelineArgs } from './gst-pipelines.ts';
export { createPortAllocator } from './port-allocator.ts';
export type { PortAllocator, PortKind } from './port-allocator.ts';
export { readJanusSecrets, janusMountCredentials, JANUS_SECRETS_FILE } from './janus-secrets.ts';
export type { JanusSecrets, JanusMountCredentials } from './janus-secrets.ts';
export type { JanusMountHealth } from './janus-service.ts';
export { kickJanusAudience } from './janus-kick.ts';
export type { JanusAudienceTarget } from './janus-kick.ts';
export { missingSoundBinaries, SOUND_BINARIES } from './sound-binaries.ts';
export type { SoundLogger } from './sound-logger.ts';
export { silentSoundLogger } from './sound-logger.ts';
export { resolveSoundUser, DEFAULT_SOUND_USER } from './sound-user.ts';
export type { SoundUser } from './sound-user.ts';
export type { DataDirAccess } from './fleet-dirs.ts';
export { listDescendants, readResidentBytes } from './process-tools.ts';
export {
  SENDER_PROFILES,
  SENDER_PROFILE_NAMES,
  DEFAULT_SENDER_PROFILE,
  isSenderProfileName,
} from './sender-profile.ts';
export type { SenderProfile, SenderProfileName } from './sender-profile.ts';
export { probeRealtime, realtimeThreads } from './realtime-scheduling.ts';
export type { RealtimeDecision } from './realtime-scheduling.ts';
