import type Janus from 'janus-gateway';
import type { JanusJS } from 'janus-gateway';
import {
  createLatencyReporter,
  type AppliedLatency,
  type LatencyProfileName,
} from '@gencaster/web';
import {
  answerWithStereoOpus,
  attachPlugin,
  destroyJanusSession,
  openJanusSession,
  receiverOfTrack,
  sendMessage,
} from '@gencaster/web/janus';
import { janusServerFor } from './janus-connection.ts';

/** What the editor's player is doing, shown next to the play controls. */
export type PointPlayerState = 'idle' | 'connecting' | 'playing' | 'failed';

/** Options of {@link createPointPlayer}. */
export interface PointPlayerOptions {
  /** The remote audio as a stream for an `<audio>` element, or null when it ends. */
  onStream(stream: MediaStream | null): void;
  onState(state: PointPlayerState, detail?: string): void;
  /**
   * The graph's latency profile, read when a track arrives and by `applyLatency`: the author
   * hears the play panel with the listeners' buffer. Undefined leaves the browser's buffer alone.
   */
  latencyProfile?: () => LatencyProfileName | undefined;
  /** The receiver of the current track and what was applied to it (null when it ended). */
  onReceiver?: (receiver: RTCRtpReceiver | null, applied: AppliedLatency | null) => void;
}

/** Plays the Janus streaming mountpoint of one stream point in the editor. */
export interface PointPlayer {
  /** Connects (through the backend's /janus pass-through) and watches the mountpoint. */
  play(input: { pointUuid: string; mountpointId: number }): Promise<void>;
  /** Applies the current `latencyProfile` to the playing receiver (the profile changed). */
  applyLatency(): void;
  stop(): void;
}

/**
 * Creates the editor's WebRTC player for a stream point: answers Janus' offer with stereo Opus and
 * reports the remote track. Unlike the listener's player it does not reconnect on its own: the
 * author sees "failed" and presses Listen again.
 */
export function createPointPlayer(options: PointPlayerOptions): PointPlayer {
  let janus: Janus | undefined;
  let handle: JanusJS.PluginHandle | undefined;
  let generation = 0;
  const latency = createLatencyReporter(options.latencyProfile, options.onReceiver);

  const stop = () => {
    generation += 1;
    if (handle) void sendMessage(handle, { request: 'stop' }).catch(() => undefined);
    handle = undefined;
    destroyJanusSession(janus);
    janus = undefined;
    if (latency.receiver) latency.report(null);
    options.onStream(null);
    options.onState('idle');
  };

  const fail = (current: number, reason: string) => {
    if (current !== generation) return;
    stop();
    options.onState('failed', reason);
  };

  return {
    async play({ pointUuid, mountpointId }) {
      stop();
      const current = generation;
      options.onState('connecting');
      try {
        const server = await janusServerFor(pointUuid);
        const session = await openJanusSession(server, (reason) => fail(current, reason));
        if (current !== generation) return destroyJanusSession(session);
        janus = session;
        const attached = await attachPlugin(session, 'janus.plugin.streaming', {
          onmessage: (message, jsep) => {
            if (current !== generation) return;
            if (typeof message.error === 'string') return fail(current, message.error);
            if (!jsep) return;
            answerWithStereoOpus(
              attached,
              jsep,
              (answer) => {
                sendMessage(attached, { request: 'start' }, answer).catch((error: Error) =>
                  fail(current, error.message),
                );
              },
              (reason) => fail(current, reason),
            );
          },
          onremotetrack: (track, _mid, on) => {
            if (current !== generation || track.kind !== 'audio') return;
            // The target goes on the receiver before the track plays.
            latency.report(on ? receiverOfTrack(attached, track) : null);
            options.onStream(on ? new MediaStream([track]) : null);
            if (on) options.onState('playing');
          },
          iceState: (state) => {
            if (state === 'failed') fail(current, 'ICE failed');
          },
        });
        if (current !== generation) return;
        handle = attached;
        await sendMessage(attached, { request: 'watch', id: mountpointId });
      } catch (error) {
        fail(current, error instanceof Error ? error.message : String(error));
      }
    },
    applyLatency: latency.reapply,
    stop,
  };
}
