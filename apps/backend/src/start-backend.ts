import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createApiServer } from '@gencaster/api';
import { probeStreamPoints, releaseAllEngineLeases, type Database } from '@gencaster/db';
import type { StreamInstruction } from '@gencaster/domain';
import {
  createDatabaseInstructionLedger,
  createDatabaseLogSink,
  createDatabaseStreamPointRegistry,
  createInProcessPubSub,
  createPointActions,
  createPubSubAckBus,
  createRedisPubSub,
  createRedisReplayGuard,
  createRemoteActionRunner,
  createStoryEngineFactory,
  createWatchTickets,
  topics,
} from '@gencaster/live';
import {
  cleanupInstruction,
  createInProcessAckBus,
  createInstructionSender,
  createOscServer,
  type InstructionSender,
  type OscServer,
  type RemoteActionRunner,
} from '@gencaster/osc';
import type { SoundFleet } from '@gencaster/sound';
import { createScriptSandbox } from '@gencaster/story';
import { reportSandboxConfinement } from './sandbox-confinement-report.ts';
import { createCachedTts, createTtsProviderFromEnv } from '@gencaster/tts';
import { soundRunDir, startConfiguredSoundFleet } from './commands/sound-commands.ts';
import { createAudienceKicker } from './janus-audience.ts';
import { createJanusCallers } from './janus-callers.ts';
import {
  createJanusRoutes,
  findJanusEndpoint,
  readStoredJanusSecrets,
  resolveJanusAccess,
} from './janus-gateway.ts';
import type { BackendConfig } from './config.ts';
import { resolveOscSecret } from './osc-secret.ts';
import { startHttpServer, type RunningHttpServer } from './http-server.ts';
import { createLogger } from './logger.ts';
import { createBackendMetrics } from './metrics/backend-metrics.ts';
import { readPointLevels } from './point-levels.ts';
import { createMediaLibrary } from './media-library.ts';
import { reportDataDirPrivacy } from './data-dir-permissions.ts';
import { openBackendDatabase } from './open-backend-database.ts';
import { DEMO_GRAPH_SLUG, seedDemoGraph } from './seed-demo-graph.ts';
import { createStaticSite } from './static-site.ts';
import { startAdminSocket } from './admin/admin-socket-server.ts';
import { SETUP_PAGE_PATH, prepareFirstAdmin } from './setup/first-admin.ts';
import { createFirstAdminRoute } from './setup/first-admin-route.ts';

/** A running backend; `close()` stops everything in reverse start order. */
export interface Backend extends AsyncDisposable {
  url: string;
  httpPort: number;
  oscPort: number;
  database: Database;
  osc: OscServer;
  instructions: InstructionSender;
  /**
   * One-time link to the editor's first-admin setup page, while the database has no account and
   * no GENCASTER_ADMIN_USER was given (see setup/first-admin.ts).
   */
  setupUrl: string | undefined;
  /**
   * Graceful drain (SIGTERM): stops accepting connections, hands listeners over to other backends
   * (engines stop, leases released, sockets closed with 1012 so clients reconnect), then stops.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface StartBackendOptions {
  /** Stream points to launch in this process (0 = none; an external `gencaster sound` may run). */
  soundPoints?: number;
  /** Create the demo graph when it is missing (`gencaster start` does; default false). */
  seedDemo?: boolean;
}

/**
 * Starts one backend: database (migrated), OSC server, instruction sender, GraphQL API and the web
 * apps on one HTTP server, and optionally a sound fleet that beacons to it.
 *
 * @example
 * await using backend = await startBackend(loadConfig());
 */
export async function startBackend(
  givenConfig: BackendConfig,
  options: StartBackendOptions = {},
): Promise<Backend> {
  const log = createLogger('backend');
  // one OSC secret for this backend and the fleet it launches (generated in the data dir if unset)
  const config = resolveOscSecret(givenConfig);
  const stack: Array<{ name: string; stop: () => Promise<void> | void }> = [];
  const stopAll = async () => {
    for (const { name, stop } of stack.reverse()) {
      try {
        await stop();
      } catch (error) {
        log.error({ err: error, part: name }, 'stopping failed');
      }
    }
    stack.length = 0;
  };
  try {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    // Private to this user before anything else reads or writes there.
    await reportDataDirPrivacy(config.dataDir, log);
    await mkdir(join(config.dataDir, 'uploads'), { recursive: true, mode: 0o700 });
    const database = await openBackendDatabase(config, { purpose: 'gencaster start' });
    // PGlite creates its files 0666 whatever the umask: fix them once it has written them (the
    // 0700 directories above keep any file made later out of reach of other users).
    if (!config.databaseUrl) await reportDataDirPrivacy(config.dataDir, log);
    stack.push({ name: 'database', stop: () => database.close() });
    if (!config.databaseUrl) {
      // The CLI talks to this process instead of opening the embedded database a second time.
      const admin = await startAdminSocket({
        dataDir: config.dataDir,
        context: { database, mediaRoot: join(config.dataDir, 'media') },
        logger: createLogger('admin'),
      });
      stack.push({ name: 'admin socket', stop: () => admin.close() });
    }
    const firstAdmin = await prepareFirstAdmin({
      database,
      dataDir: config.dataDir,
      unattended: config.firstAdmin,
    });
    if (firstAdmin.kind === 'created')
      log.info({ username: firstAdmin.username }, 'created the first admin (GENCASTER_ADMIN_USER)');
    if (!config.redisUrl) {
      // Single backend after a crash or drain: the previous run's engines are gone, so their
      // listeners may resume at once. Streams nobody resumes are freed by the sweeps (engine lease
      // and listener presence) after the reconnect grace, not reset here: other backends' listeners are still there.
      const handed = await releaseAllEngineLeases(database);
      if (handed > 0)
        log.info({ streams: handed }, 'streams of the previous run wait for their listeners');
    }

    if (options.seedDemo === true && (await seedDemoGraph(database))) {
      log.info({ slug: DEMO_GRAPH_SLUG }, 'created the demo graph: listen at /listen/demo');
    }

    const pubsub = config.redisUrl
      ? createRedisPubSub({ url: config.redisUrl })
      : createInProcessPubSub();
    stack.push({ name: 'pubsub', stop: () => pubsub.close() });
    // In a cluster the point may ack to another backend than the one whose engine waits.
    const clusterAckBus = config.redisUrl ? createPubSubAckBus(pubsub) : undefined;
    if (clusterAckBus) stack.push({ name: 'ack bus', stop: () => clusterAckBus.close() });
    const ackBus = clusterAckBus ?? createInProcessAckBus();
    const ledger = createDatabaseInstructionLedger(database);
    // The runner needs the instruction sender, which needs the OSC server: bind it late.
    const late: { remoteActions?: RemoteActionRunner } = {};
    // several backends: a signature accepted by one is refused by all (seen set in Redis)
    const replayGuard = config.redisUrl
      ? createRedisReplayGuard({ url: config.redisUrl })
      : undefined;
    if (replayGuard) stack.push({ name: 'osc replay guard', stop: () => replayGuard.close() });
    const osc = await createOscServer({
      host: config.osc.host,
      port: config.osc.port,
      secret: config.osc.secret,
      allowInsecure: config.osc.insecure,
      ...(replayGuard ? { replayGuard } : {}),
      remoteActionPassword: config.osc.password,
      registry: createDatabaseStreamPointRegistry(database),
      ledger,
      ackBus,
      logSink: createDatabaseLogSink(database, (log) => pubsub.publish(topics.streamLogs, log)),
      remoteActions: { run: (action) => late.remoteActions?.run(action) ?? Promise.resolve() },
      logger: createLogger('osc'),
    });
    stack.push({ name: 'osc', stop: () => osc.close() });
    const metrics = createBackendMetrics({
      database,
      oscStats: () => osc.stats(),
      ...(config.edge.metricsToken ? { token: config.edge.metricsToken } : {}),
    });
    stack.push({ name: 'metrics', stop: () => metrics.close() });
    const instructions = metrics.observeInstructions(
      createInstructionSender({ server: osc, ledger, ackBus, secret: config.osc.secret }),
    );
    stack.push({ name: 'instructions', stop: () => instructions.close() });

    const mediaRoot = join(config.dataDir, 'media');
    const media = createMediaLibrary({
      database,
      mediaRoot,
      maxUploadBytes: config.edge.maxUploadBytes,
    });
    const tts = createCachedTts({
      provider: createTtsProviderFromEnv(),
      store: media.ttsStore,
      importAudio: media.importSpeech,
    });
    const sandboxLog = createLogger('sandbox');
    const sandbox = metrics.observeSandbox(
      createScriptSandbox({
        allowUnconfined: config.sandboxUnconfined,
        pythonIdleMs: config.pythonIdleMs,
        onLog: (level, message) =>
          sandboxLog[level === 'warning' ? 'warn' : level]({ event: 'sandbox' }, message),
      }),
    );
    void reportSandboxConfinement(config, sandboxLog);
    stack.push({ name: 'sandbox', stop: () => sandbox.close() });
    const actions = createPointActions({
      database,
      instructions,
      tts,
      mediaRoot,
      logger: createLogger('point-actions'),
    });
    late.remoteActions = createRemoteActionRunner(database, actions, createLogger('live-coding'));

    let fleet: SoundFleet | undefined;
    const janusEndpoint = () =>
      findJanusEndpoint(
        soundRunDir(config),
        config.dataDir,
        fleet
          ? {
              url: fleet.janus.url,
              apiSecret: fleet.janus.apiSecret,
              mountKey: fleet.janus.mountKey,
            }
          : undefined,
      );
    const storedJanusSecrets = () => readStoredJanusSecrets(config.dataDir);
    const janusUpstream = {
      allowedUrls: config.janusAllowedUrls,
      signedBeacons: config.osc.secret !== undefined,
    };
    const endPointAudience = createAudienceKicker({
      endpoint: janusEndpoint,
      storedSecrets: storedJanusSecrets,
      upstream: janusUpstream,
    });
    // Watch tickets of the live-coding page, signed with a key derived from the Janus API secret
    // that every backend and sound host shares, so any backend's gateway can check them.
    const watchTickets = createWatchTickets({
      secret: () => resolveJanusAccess(janusEndpoint, storedJanusSecrets).apiSecret,
    });
    let draining = false;
    let soundState: 'not started' | 'running' | 'failed' = 'not started';
    const api = createApiServer({
      database,
      pubsub,
      corsOrigins: config.corsOrigins,
      trustedProxies: config.edge.trustedProxies,
      ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
      dev: config.dev,
      logger: createLogger('api'),
      options: {
        mediaRoot,
        uploadTempDir: join(config.dataDir, 'uploads'),
        maxUploadBytes: config.edge.maxUploadBytes,
        maxListenerSessionsPerClient: config.edge.maxSessionsPerClient,
        engineLeaseMs: config.cluster.engineLeaseMs,
        reconnectGraceMs: config.cluster.reconnectGraceMs,
        endScreenGraceMs: config.endScreenGraceMs,
        ...(config.cluster.backendId ? { backendId: config.cluster.backendId } : {}),
      },
      services: {
        sandbox,
        audio: { importAudioFile: (upload) => media.importUpload(upload) },
        sendStreamVariable: ({ point, key, value }) =>
          instructions.sendVariable({ host: point.host, port: point.port, key, value }),
        pointLevels: () => readPointLevels(soundRunDir(config)),
        endPointAudience,
        watchTickets,
        engineFactory: createStoryEngineFactory({
          database,
          sandbox,
          // A new stream's walk starts only once its point acknowledged the reset (hand-over).
          engineOptions: { cleanupCode: cleanupInstruction().code },
          // Place variables the engine derives reach sclang as OSC data, as listeners' do.
          sendVariable: ({ point, key, value }) =>
            instructions.sendVariable({ host: point.host, port: point.port, key, value }),
          instructionPortFor: (session) => {
            const { point } = session;
            const onInstruction = (instruction: StreamInstruction) =>
              session.onInstruction(instruction);
            const target = { uuid: point.uuid, host: point.host, port: point.port };
            return {
              run: async ({ code, manualFinish, signal }) => ({
                returnValue: await actions.runCode(target, code, {
                  manualFinish: manualFinish ?? false,
                  signal,
                  onInstruction,
                }),
              }),
              playAudio: ({ audioFileUuid, playback, volume, signal }) =>
                actions.playAudioFile(
                  target,
                  { audioFileUuid, playback, volume },
                  { signal, onInstruction },
                ),
              speak: ({ ssml, signal }) => actions.speak(target, ssml, { signal, onInstruction }),
            };
          },
        }),
      },
    });
    stack.push({ name: 'api', stop: () => api.close() });

    const http: RunningHttpServer = await startHttpServer({
      host: config.host,
      port: config.port,
      graphql: (request, response) => api.handler(request, response),
      routes: [
        metrics.route,
        createFirstAdminRoute({ database, dataDir: config.dataDir, logger: createLogger('setup') }),
        createStaticSite({ dir: mediaRoot, basePath: '/media/', spaFallback: false }),
        ...createJanusRoutes({
          endpoint: janusEndpoint,
          storedSecrets: storedJanusSecrets,
          callers: createJanusCallers({
            database,
            viewerOf: (request) => api.viewerOf(request),
            mountKey: () => janusEndpoint()?.mountKey ?? storedJanusSecrets()?.mountKey,
            onListenerActive: (token) => api.runtime.sessions.markListening(token),
            watchTickets,
            liveWindowMs: api.runtime.options.liveWindowMs,
          }),
          upstream: janusUpstream,
          iceServers: config.iceServers,
          map: config.map,
          logger: createLogger('janus-gateway'),
        }),
      ],
      health: async () => {
        await probeStreamPoints(database);
        return {
          status: draining ? 'draining' : 'ok',
          database: database.engine,
          uptimeSeconds: Math.round(process.uptime()),
          oscPort: osc.port,
          sound: soundState,
        };
      },
      listenerDir: config.web.listenerDir,
      editorDir: config.web.editorDir,
    });
    api.attachWebSocket(http.server);
    stack.push({ name: 'http', stop: () => http.close() });

    if ((options.soundPoints ?? 0) > 0) {
      try {
        fleet = await startConfiguredSoundFleet(
          { ...config, osc: { ...config.osc, port: osc.port } },
          options.soundPoints ?? 0,
          config.sound.input,
        );
        stack.push({ name: 'sound', stop: () => fleet?.stop() });
        soundState = 'running';
      } catch (error) {
        // Editors and the API stay useful without sound; /health and the log say what is wrong.
        soundState = 'failed';
        log.error(
          { err: error },
          'the sound fleet did not start; listeners get NoStreamAvailable until stream points beacon (check with: gencaster sound status, or run gencaster sound --points 2)',
        );
      }
    }
    log.info(
      {
        url: http.url,
        oscPort: osc.port,
        engine: database.engine,
        soundPoints: options.soundPoints ?? 0,
      },
      'backend running',
    );
    return {
      url: http.url,
      httpPort: http.port,
      oscPort: osc.port,
      database,
      osc,
      instructions,
      setupUrl:
        firstAdmin.kind === 'setup open'
          ? `${http.url}${SETUP_PAGE_PATH}?token=${firstAdmin.token}`
          : undefined,
      async drain() {
        draining = true;
        // No new connections (a proxy moves on to another backend); open sockets are handed over.
        http.server.close();
        await api.drain();
        log.info('drained: listeners handed over to other backends');
        await stopAll();
      },
      close: stopAll,
      [Symbol.asyncDispose]: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
