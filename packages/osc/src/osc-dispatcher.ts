import { GencasterError } from '@gencaster/domain';
import { constantTimeEqual, type MessageAuthenticator } from './message-auth.ts';
import type { PasswordLimiter } from './password-limiter.ts';
import { parseAcknowledgement, parseBeacon, parseLog, parseRemoteAction } from './osc-messages.ts';
import type { OscValue } from './osc-values.ts';
import type {
  AckBus,
  InstructionLedger,
  LogSink,
  OscLogger,
  RemoteActionRunner,
  StreamPointRegistry,
} from './ports.ts';

/** Who sent a message: the UDP source (for sclang: its lang port). */
export interface OscSender {
  host: string;
  port: number;
}

/** Handles one message's key/value record; throws GencasterError to have it counted as dropped. */
export type OscHandler = (record: Record<string, OscValue>, sender: OscSender) => Promise<void>;

/** The ports and policies the handlers need. */
export interface OscDispatcherOptions {
  registry: StreamPointRegistry;
  ledger: InstructionLedger;
  ackBus: AckBus;
  logSink?: LogSink | undefined;
  remoteActions?: RemoteActionRunner | undefined;
  /**
   * Plain-password compatibility for `/remote/action` (the original's BACKEND_OSC_PASSWORD). Unset =
   * only HMAC-signed remote actions are accepted.
   */
  remoteActionPassword?: string | undefined;
  authenticator: MessageAuthenticator;
  /** Limits wrong plain passwords per sender address (see {@link PasswordLimiter}). */
  passwordLimiter: PasswordLimiter;
  logger: OscLogger;
  /** Clock for `receivedAt` of beacons (default `new Date()`). */
  now?: () => Date;
}

/** Maps addresses to handlers; see {@link createOscDispatcher}. */
export interface OscDispatcher {
  handlerFor(address: string): OscHandler | undefined;
}

/** Builds the handlers of protocol "0.1" plus `/log`. */
export function createOscDispatcher(options: OscDispatcherOptions): OscDispatcher {
  const { registry, ledger, ackBus, logSink, remoteActions, authenticator, logger } = options;
  const limiter = options.passwordLimiter;
  const now = options.now ?? (() => new Date());

  const handlers: Record<string, OscHandler> = {
    '/beacon': async (record, sender) => {
      await authenticator.verify('/beacon', record, sender.host);
      const beacon = parseBeacon(record);
      const outcome = await registry.upsertFromBeacon({
        ...beacon,
        host: sender.host,
        receivedAt: now(),
      });
      for (const ack of outcome?.abandoned ?? []) await ackBus.publish(ack);
      if (outcome && outcome.abandoned.length > 0)
        logger.warn(
          { sender, bootId: beacon.bootId, failed: outcome.abandoned.map((ack) => ack.uuid) },
          'osc: stream point restarted: its open instructions failed',
        );
    },
    '/acknowledge': async (record, sender) => {
      await authenticator.verify('/acknowledge', record, sender.host);
      const ack = parseAcknowledgement(record);
      const outcome = await ledger.applyAck(ack.uuid, ack.state, ack.returnValue);
      if (outcome === 'ok') await ackBus.publish(ack);
      else if (outcome === 'unknown')
        logger.warn(
          { uuid: ack.uuid, state: ack.state, sender },
          'osc: ack for unknown instruction',
        );
      else logger.debug({ uuid: ack.uuid, state: ack.state }, 'osc: stale ack ignored');
    },
    '/remote/action': async (record, sender) => {
      const auth = await authenticator.verify('/remote/action', record, sender.host, {
        allowUnsigned: true,
      });
      const request = parseRemoteAction(record);
      if (auth === 'unsigned') {
        const expected = options.remoteActionPassword;
        if (expected === undefined)
          throw new GencasterError(
            'UNAUTHENTICATED',
            `unsigned remote action from ${sender.host}: no password configured`,
          );
        limiter.check(sender.host);
        if (!constantTimeEqual(request.password ?? '', expected)) {
          limiter.failure(sender.host);
          throw new GencasterError(
            'FORBIDDEN',
            `remote action from ${sender.host}: wrong password`,
          );
        }
        limiter.success(sender.host);
      }
      if (!remoteActions) throw new GencasterError('UNAVAILABLE', 'remote actions are not enabled');
      logger.info({ sender, action: request.action, target: request.target }, 'osc: remote action');
      await remoteActions.run({
        action: request.action,
        cmd: request.cmd,
        target: request.target,
        senderHost: sender.host,
        signed: auth === 'signed',
      });
    },
    '/log': async (record, sender) => {
      await authenticator.verify('/log', record, sender.host);
      const line = parseLog(record);
      if (!logSink) return;
      await logSink.append({
        origin: 'supercollider',
        level: line.level,
        message: line.message,
        name: line.name,
        streamPointHost: sender.host,
        streamPointPort: sender.port,
      });
    },
  };

  return {
    handlerFor: (address) => (Object.hasOwn(handlers, address) ? handlers[address] : undefined),
  };
}
