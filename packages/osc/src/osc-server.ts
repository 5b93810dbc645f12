import dgram from 'node:dgram';
import {
  GencasterError,
  isGencasterError,
  toGencasterError,
  type ErrorCode,
} from '@gencaster/domain';
import { decodeOscPacket, encodeOscMessage } from './osc-codec.ts';
import { createMessageAuthenticator, isLoopback } from './message-auth.ts';
import { createPasswordLimiter, type PasswordLimiterOptions } from './password-limiter.ts';
import type { ReplayGuard } from './replay-guard.ts';
import { createOscDispatcher, type OscDispatcherOptions } from './osc-dispatcher.ts';
import { silentOscLogger, type OscLogger } from './ports.ts';
import { keyValueRecord, oscArgumentValues, type OutgoingOscValue } from './osc-values.ts';

/** Options of {@link createOscServer}; the ports are implemented by the backend. */
export interface OscServerOptions extends Omit<
  OscDispatcherOptions,
  'logger' | 'authenticator' | 'passwordLimiter'
> {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** UDP port (default 7000; 0 = any free port, see `OscServer.port`). */
  port?: number;
  /**
   * Shared secret: every message must then carry a valid HMAC, loopback senders included (only
   * `/remote/action` may instead carry the plain password, rate-limited per sender).
   */
  secret?: string | undefined;
  /** Accepted `ts` distance from now for signed messages, ms (default 30 000). */
  replayWindowMs?: number;
  /** Where accepted signatures are remembered; pass a shared (Redis) one for several backends. */
  replayGuard?: ReplayGuard;
  /** Backoff of wrong plain passwords per sender address (see PasswordLimiter). */
  passwordLimits?: PasswordLimiterOptions;
  /**
   * Without a secret the server refuses to bind a non-loopback address (anyone on the network
   * could register points and acknowledge instructions); `true` binds anyway (GENCASTER_OSC_INSECURE).
   */
  allowInsecure?: boolean;
  logger?: OscLogger;
}

/** Counters of what the server received and dropped, by reason (error code or `unknown-address`). */
export interface OscServerStats {
  packets: number;
  handled: Record<string, number>;
  dropped: Record<string, number>;
}

/** The running OSC UDP server. Dispose (or `close`) to unbind. */
export interface OscServer extends AsyncDisposable {
  readonly host: string;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Sends one OSC message from the server's socket (so replies come back to it). */
  send(
    host: string,
    port: number,
    address: string,
    values: readonly OutgoingOscValue[],
  ): Promise<void>;
  stats(): OscServerStats;
  /** Resolves when every message received so far has been handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const LOG_BURST = 20;
const LOG_INTERVAL_MS = 10_000;

/**
 * Starts the backend's OSC server (protocol "0.1"): `/beacon`, `/acknowledge`, `/remote/action`,
 * `/log`. With a secret every sender must sign (loopback included); without one only a loopback
 * address may be bound unless `allowInsecure`. Bad packets are counted, logged with their sender (rate-limited) and dropped; nothing a
 * sender does can throw out of the receive loop. Messages of one sender are handled in order.
 *
 * @example
 * await using server = await createOscServer({ port: 0, registry, ledger, ackBus, logSink, remoteActions });
 */
export async function createOscServer(options: OscServerOptions): Promise<OscServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentOscLogger;
  if (options.secret === undefined && !isLoopback(host)) {
    if (!options.allowInsecure)
      throw new GencasterError(
        'FORBIDDEN',
        `refusing to bind OSC to ${host} without a secret: anyone who reaches it could register stream points and acknowledge instructions. Set GENCASTER_OSC_SECRET (also on the sound hosts), bind 127.0.0.1, or set GENCASTER_OSC_INSECURE=1 to accept the risk`,
        { details: { host } },
      );
    logger.warn(
      { host },
      'osc: INSECURE: bound to a non-loopback address without a secret; any sender is believed',
    );
  }
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const dispatcher = createOscDispatcher({
    ...options,
    logger,
    authenticator: createMessageAuthenticator({
      secret: options.secret,
      replayWindowMs: options.replayWindowMs,
      ...(options.replayGuard ? { replayGuard: options.replayGuard } : {}),
    }),
    passwordLimiter: createPasswordLimiter(options.passwordLimits),
  });
  const stats: OscServerStats = { packets: 0, handled: {}, dropped: {} };
  const chains = new Map<string, Promise<void>>();
  let logBudget = LOG_BURST;
  let suppressed = 0;
  const refill = setInterval(() => {
    if (suppressed > 0) logger.warn({ suppressed }, 'osc: further dropped packets not logged');
    logBudget = LOG_BURST;
    suppressed = 0;
  }, LOG_INTERVAL_MS);
  refill.unref();

  function drop(
    reason: ErrorCode | 'unknown-address' | 'rate-limited',
    sender: string,
    message: string,
  ): void {
    stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
    if (logBudget > 0) {
      logBudget -= 1;
      logger.warn({ reason, sender }, `osc: dropped: ${message.slice(0, 300)}`);
    } else suppressed += 1;
  }

  function handlePacket(data: Buffer, remote: dgram.RemoteInfo): void {
    stats.packets += 1;
    const sender = `${remote.address}:${remote.port}`;
    const senderHost = remote.address.startsWith('::ffff:')
      ? remote.address.slice(7)
      : remote.address;
    let messages;
    try {
      messages = decodeOscPacket(data);
    } catch (error) {
      drop('INVALID_INPUT', sender, toGencasterError(error).message);
      return;
    }
    for (const message of messages) {
      const handler = dispatcher.handlerFor(message.address);
      if (!handler) {
        drop('unknown-address', sender, `unknown address ${message.address.slice(0, 100)}`);
        continue;
      }
      let record;
      try {
        record = keyValueRecord(oscArgumentValues(message.args));
      } catch (error) {
        drop(
          toGencasterError(error).code,
          sender,
          `${message.address}: ${toGencasterError(error).message}`,
        );
        continue;
      }
      const task = async (): Promise<void> => {
        try {
          await handler(record, { host: senderHost, port: remote.port });
          stats.handled[message.address] = (stats.handled[message.address] ?? 0) + 1;
        } catch (error) {
          const normalised = toGencasterError(error, `${message.address} handler failed`);
          if (isGencasterError(error))
            drop(
              normalised.details?.reason === 'rate-limited' ? 'rate-limited' : normalised.code,
              sender,
              `${message.address}: ${normalised.message}`,
            );
          else {
            stats.dropped.INTERNAL = (stats.dropped.INTERNAL ?? 0) + 1;
            logger.error({ err: normalised, sender }, `osc: ${normalised.message}`);
          }
        }
      };
      const next = (chains.get(sender) ?? Promise.resolve()).then(task);
      chains.set(sender, next);
      void next.then(() => {
        if (chains.get(sender) === next) chains.delete(sender);
      });
    }
  }

  socket.on('message', (data, remote) => {
    try {
      handlePacket(data, remote);
    } catch (error) {
      logger.error({ err: error }, 'osc: unexpected error in receive loop');
    }
  });
  socket.on('error', (error) => logger.error({ err: error }, 'osc: socket error'));

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 7000, host, () => {
      socket.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    clearInterval(refill);
    throw new GencasterError(
      'UNAVAILABLE',
      `cannot bind OSC server to ${host}:${options.port ?? 7000}`,
      {
        cause: error,
      },
    );
  });
  const bound = socket.address();
  logger.info({ host, port: bound.port }, 'osc: server listening');
  let closed = false;

  const server: OscServer = {
    host,
    port: bound.port,
    send(toHost, toPort, address, values) {
      const data = encodeOscMessage(address, values);
      return new Promise((resolve, reject) => {
        socket.send(data, toPort, toHost, (error) => {
          if (error)
            reject(
              new GencasterError('UNAVAILABLE', `cannot send ${address} to ${toHost}:${toPort}`, {
                cause: error,
              }),
            );
          else resolve();
        });
      });
    },
    stats: () => structuredClone(stats),
    async idle() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(refill);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
    [Symbol.asyncDispose]: () => server.close(),
  };
  return server;
}
