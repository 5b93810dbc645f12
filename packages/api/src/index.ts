export { buildApiSchema, printApiSchema } from './schema/build-schema.ts';
export { schemaFilePath } from './schema/schema-file.ts';
export type { ApiServices, PointAddress } from './server/services.ts';
export type {
  EngineFactory,
  EngineFactoryInput,
  EngineEvent,
  ListenerEngine,
} from './session/engine-factory.ts';
export type { PubSub } from './pubsub/pubsub.ts';
export { createInProcessPubSub } from './pubsub/pubsub.ts';
export { createRedisPubSub, type RedisPubSubOptions } from './pubsub/redis-pubsub.ts';
