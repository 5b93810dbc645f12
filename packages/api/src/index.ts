// Public surface of @gencaster/api: the GraphQL server (HTTP + WebSocket), its schema, the
// pub/sub implementations and the ports other packages plug into.
export {
  createApiServer,
  type ApiServer,
  type ApiServerOptions,
  type ApiLogger,
} from './server/api-server.ts';
export type { ResolvedApiOptions, ApiRuntime, ListenerSessions } from './server/runtime.ts';
export type { ApiServices, PointAddress } from './server/services.ts';
export type { PointLevelShape } from './play/point-level.ts';
export type { ApiContext, Viewer } from './server/context.ts';
export { buildApiSchema, printApiSchema } from './schema/build-schema.ts';
export { schemaFilePath } from './schema/schema-file.ts';
export type { SyntaxProblem } from './schema/code-check.ts';
export {
  createStoryEngineFactory,
  toDialogShape,
  type StoryEngineFactoryOptions,
  type InstructionPortInput,
} from './session/story-engine-factory.ts';
export type {
  DialogShape,
  ButtonShape,
  TextShape,
  InputShape,
  CheckboxShape,
} from './schema/types-dialog.ts';
export type {
  EngineFactory,
  EngineFactoryInput,
  EngineEvent,
  ListenerEngine,
} from './session/engine-factory.ts';
export type { PubSub } from './pubsub/pubsub.ts';
export { createInProcessPubSub } from './pubsub/pubsub.ts';
export { createRedisPubSub, type RedisPubSubOptions } from './pubsub/redis-pubsub.ts';
export {
  createRedisReplayGuard,
  type RedisReplayGuardOptions,
} from './pubsub/redis-replay-guard.ts';
export { topics, type StreamLogEvent, type VariablesEvent } from './server/events.ts';
export { errorTable } from './errors/error-table.ts';
export { listenerIdOf } from './session/listener-sessions.ts';
export { csrfHeaderName } from './auth/guards.ts';
export { sessionCookieName } from './auth/cookies.ts';
export { createAudioImporter } from './server/audio-importer.ts';
export {
  createRemoteActionRunner,
  type RemoteActionPointActions,
  type RemoteActionTargetPoint,
  type RemoteActionLogger,
} from './sound-points/remote-action-runner.ts';
export { createDatabaseInstructionLedger } from './sound-points/instruction-ledger.ts';
export {
  createWatchTickets,
  signWatchTicket,
  watchTicketKey,
  WATCH_TICKET_PREFIX,
  type ReadWatchTicket,
  type WatchTicket,
  type WatchTickets,
  type WatchTicketsOptions,
} from './sound-points/watch-tickets.ts';
