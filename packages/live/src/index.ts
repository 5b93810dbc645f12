// Public surface of @gencaster/live: the live-stream runtime (listener and play sessions, stream
// engines, leases, presence), the pub/sub and its topics, and the sound-point adapters. Plain
// typed messages only: the GraphQL API (`@gencaster/api`) is one adapter over it.
export { createLiveRuntime, type LiveRuntime, type LiveRuntimeOptions } from './live-runtime.ts';
export type { LiveOptions } from './live-options.ts';
export type { LiveServices, PointAddress } from './live-services.ts';
export type { LiveLogger } from './live-logger.ts';
export type { ListenerMessage, LiveStream, InstructionMessage } from './listener-message.ts';
export {
  topics,
  createLiveEvents,
  type LiveEvents,
  type StreamLogEvent,
  type EndStreamEvent,
  type VariablesEvent,
} from './live-events.ts';
export {
  listenerIdOf,
  type ListenerSessions,
  type OpenListenerSession,
} from './session/listener-sessions.ts';
export { presenceTiming } from './session/listener-presence.ts';
export type {
  EngineFactory,
  EngineFactoryInput,
  ListenerEngine,
  ListenerEngineEvent,
} from './session/engine-factory.ts';
export {
  createStoryEngineFactory,
  type StoryEngineFactoryOptions,
  type InstructionPortInput,
} from './session/story-engine-factory.ts';
export type { PlaySessions, PlayEvent, PlayEventKind } from './play/play-sessions.ts';
export {
  streamPositionTopic,
  lastStreamPosition,
  type StreamPosition,
} from './play/stream-position.ts';
export type { PubSub } from './pubsub/pubsub.ts';
export { createInProcessPubSub } from './pubsub/pubsub.ts';
export { createPushQueue, type PushQueue } from './pubsub/push-queue.ts';
export { createRedisPubSub, type RedisPubSubOptions } from './pubsub/redis-pubsub.ts';
export {
  createRedisReplayGuard,
  type RedisReplayGuardOptions,
} from './pubsub/redis-replay-guard.ts';
export { createPubSubAckBus, INSTRUCTION_ACK_TOPIC } from './pubsub/pubsub-ack-bus.ts';
export type { PointLevel } from './sound-points/point-level.ts';
export {
  createRemoteActionRunner,
  type RemoteActionPointActions,
  type RemoteActionTargetPoint,
  type RemoteActionLogger,
} from './sound-points/remote-action-runner.ts';
export {
  createPointActions,
  type PointActions,
  type PointActionOptions,
  type PointActionsOptions,
  type PointTarget,
} from './sound-points/point-actions.ts';
export { createDatabaseInstructionLedger } from './sound-points/instruction-ledger.ts';
export { createDatabaseStreamPointRegistry } from './sound-points/stream-point-registry.ts';
export { createDatabaseLogSink } from './sound-points/stream-log-sink.ts';
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
