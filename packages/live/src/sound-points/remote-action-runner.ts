import { listLiveStreamPoints, type DbHandle } from '@gencaster/db';
import type { RemoteAction, RemoteActionRunner } from '@gencaster/osc';
import { markdownToSsml } from '@gencaster/story';

/** The sclang address of a stream point plus its row id. */
export interface RemoteActionTargetPoint {
  uuid: string;
  host: string;
  port: number;
}

/** What a remote action does on one point: run code, or speak SSML (the backend's point actions). */
export interface RemoteActionPointActions {
  runCode(point: RemoteActionTargetPoint, code: string): Promise<unknown>;
  speak(point: RemoteActionTargetPoint, ssml: string): Promise<unknown>;
}

/** The log calls the runner makes (pino-compatible). */
export interface RemoteActionLogger {
  info(object: unknown, message?: string): void;
  warn(object: unknown, message?: string): void;
}

/**
 * Runs live-coding actions from `/remote/action` on the targeted live stream points — all, one
 * Janus room or one SuperCollider name — busy points included (the original reached only free
 * ones). Each point runs independently; a failure on one is logged and does not stop the others.
 */
export function createRemoteActionRunner(
  database: DbHandle,
  actions: RemoteActionPointActions,
  logger: RemoteActionLogger,
): RemoteActionRunner {
  return {
    async run(action: RemoteAction) {
      const live = await listLiveStreamPoints(database);
      const targets = live.filter((point) => {
        switch (action.target.kind) {
          case 'all':
            return true;
          case 'room':
            return point.janusOutRoom === action.target.room;
          case 'name':
            return point.scName === action.target.name;
        }
      });
      if (targets.length === 0) {
        logger.warn(
          { target: action.target, sender: action.senderHost },
          'remote action matched no live stream point',
        );
        return;
      }
      const ssml = action.action === 'speak' ? (await markdownToSsml(action.cmd)).ssml : undefined;
      // Not awaited: a long instruction must not hold up the OSC server's queue for this sender.
      for (const point of targets) {
        const target = { uuid: point.uuid, host: point.host, port: point.port };
        const done =
          ssml === undefined ? actions.runCode(target, action.cmd) : actions.speak(target, ssml);
        done.catch((error: unknown) =>
          logger.warn(
            { err: error, point: point.uuid, action: action.action },
            'remote action failed on a stream point',
          ),
        );
      }
      logger.info(
        {
          action: action.action,
          points: targets.length,
          sender: action.senderHost,
          signed: action.signed,
        },
        'remote action sent',
      );
    },
  };
}
