import type { JanusJS } from 'janus-gateway';
import type Janus from 'janus-gateway';
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
  type JanusServerOptions,
} from '@gencaster/web/janus';

/** Connection state of the stream player, shown to the listener. */
export type StreamConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/** Callbacks and server of a stream player. */
export interface JanusStreamPlayerOptions extends JanusServerOptions {
  /** The remote audio track, or null when it went away. */
  onTrack(track: MediaStreamTrack | null): void;
  onState(state: StreamConnectionState, detail?: string): void;
  /** How long ICE may stay "disconnected" before the player rebuilds the connection. */
  disconnectGraceMs?: number;
  /**
   * The Janus token to open each (re)connection with, read when it opens; defaults to `token`.
   * A short-lived watch ticket (the live-coding page) is renewed by the page, so a reconnect
   * minutes later uses the current one, not the one the player was created with.
   */
  currentToken?: () => string | undefined;
  /**
   * The graph's latency profile, read whenever a remote track arrives (and by `applyLatency`);
   * undefined leaves the browser's jitter buffer alone (e.g. while the graph is still loading).
   */
  latencyProfile?: () => LatencyProfileName | undefined;
  /**
   * The receiver of the current remote track and what was applied to it; null when the track
   * went away or no profile was known.
   */
  onReceiver?: (receiver: RTCRtpReceiver | null, applied: AppliedLatency | null) => void;
}

/** Plays one Janus streaming mountpoint and keeps playing it across drops. */
export interface JanusStreamPlayer {
  /** Watches a mountpoint; a different id on a live connection is a `switch`, not a new session. */
  watch(mountpointId: number): void;
  /** Rebuilds the connection now (e.g. the browser came back online). */
  reconnectNow(reason: string): void;
  /** Applies the current `latencyProfile` to the playing receiver (the profile changed). */
  applyLatency(): void;
  /** Stops playback and closes the Janus session. */
  stop(): void;
}

/**
 * Creates a player for the Janus streaming plugin.
 *
 * It watches as soon as the handle is attached (no fixed delay), answers Janus' offer with stereo
 * Opus, and on a lost session, failed ICE, or ICE stuck in "disconnected", rebuilds the session
 * and watches again with capped exponential back-off, reporting "reconnecting" meanwhile.
 */
export function createJanusStreamPlayer(options: JanusStreamPlayerOptions): JanusStreamPlayer {
  const graceMs = options.disconnectGraceMs ?? 2500;
  let janus: Janus | undefined;
  let handle: JanusJS.PluginHandle | undefined;
  let mountpoint: number | undefined;
  let watching: number | undefined;
  let generation = 0;
  let attempt = 0;
  let stopped = true;
  let state: StreamConnectionState = 'idle';
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  const latency = createLatencyReporter(options.latencyProfile, options.onReceiver);

  function setState(next: StreamConnectionState, detail?: string) {
    state = next;
    options.onState(next, detail);
  }

  function clearTimers() {
    clearTimeout(retryTimer);
    clearTimeout(disconnectTimer);
    retryTimer = undefined;
    disconnectTimer = undefined;
  }

  function teardown() {
    const oldJanus = janus;
    janus = undefined;
    handle = undefined;
    watching = undefined;
    options.onTrack(null);
    if (latency.receiver) latency.report(null);
    destroyJanusSession(oldJanus);
  }

  function scheduleReconnect(reason: string) {
    if (stopped || retryTimer !== undefined) return;
    generation += 1;
    clearTimeout(disconnectTimer);
    teardown();
    setState('reconnecting', reason);
    const delay = Math.min(500 * 2 ** attempt, 5000);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect('reconnecting');
    }, delay);
  }

  function answer(current: number, jsep: JanusJS.JSEP) {
    const target = handle;
    if (!target) return;
    answerWithStereoOpus(
      target,
      jsep,
      (local) => {
        if (current !== generation) return;
        sendMessage(target, { request: 'start' }, local).catch((error: Error) =>
          scheduleReconnect(error.message),
        );
      },
      scheduleReconnect,
    );
  }

  function callbacks(
    current: number,
  ): Omit<JanusJS.PluginOptions, 'plugin' | 'success' | 'error' | 'opaqueId'> {
    const live = () => current === generation && !stopped;
    return {
      onmessage: (message, jsep) => {
        if (!live()) return;
        if (typeof message.error === 'string') {
          scheduleReconnect(message.error);
          return;
        }
        if (jsep) answer(current, jsep);
      },
      onremotetrack: (track, _mid, on) => {
        if (!live() || track.kind !== 'audio') return;
        // The receiver first, so the jitter buffer target is set before playback starts.
        latency.report(on ? receiverOfTrack(handle, track) : null);
        options.onTrack(on ? track : null);
      },
      iceState: (ice) => {
        if (!live()) return;
        const iceState = ice as RTCIceConnectionState;
        if (iceState === 'connected' || iceState === 'completed') {
          clearTimeout(disconnectTimer);
          disconnectTimer = undefined;
          attempt = 0;
          if (state !== 'connected') setState('connected');
        } else if (iceState === 'failed') {
          scheduleReconnect('ICE failed');
        } else if (iceState === 'disconnected' && disconnectTimer === undefined) {
          setState('reconnecting', 'ICE disconnected');
          disconnectTimer = setTimeout(() => {
            disconnectTimer = undefined;
            scheduleReconnect('ICE disconnected');
          }, graceMs);
        }
      },
      webrtcState: (up) => {
        if (live() && !up) scheduleReconnect('WebRTC connection closed');
      },
    };
  }

  async function sendWatch(current: number, id: number) {
    const target = handle;
    if (!target) return;
    watching = id;
    try {
      await sendMessage(target, { request: 'watch', id });
    } catch (error) {
      if (current === generation) scheduleReconnect((error as Error).message);
    }
  }

  async function connect(initial: StreamConnectionState) {
    const current = ++generation;
    teardown();
    setState(initial);
    try {
      const token = options.currentToken?.() ?? options.token;
      const session = await openJanusSession({ ...options, token }, (reason) => {
        if (current === generation) scheduleReconnect(reason);
      });
      if (current !== generation) return destroyJanusSession(session);
      janus = session;
      const attached = await attachPlugin(session, 'janus.plugin.streaming', callbacks(current));
      if (current !== generation) return;
      handle = attached;
      if (mountpoint !== undefined) await sendWatch(current, mountpoint);
    } catch (error) {
      if (current === generation) scheduleReconnect((error as Error).message);
    }
  }

  const onOnline = () => reconnectNow('network changed');

  function reconnectNow(reason: string) {
    if (stopped) return;
    clearTimers();
    attempt = 0;
    scheduleReconnect(reason);
  }

  return {
    watch(id) {
      mountpoint = id;
      if (stopped) {
        stopped = false;
        window.addEventListener('online', onOnline);
        void connect('connecting');
        return;
      }
      if (!handle || watching === id) return;
      if (watching === undefined) {
        void sendWatch(generation, id);
        return;
      }
      const current = generation;
      watching = id;
      sendMessage(handle, { request: 'switch', id }).catch((error: Error) => {
        if (current === generation) scheduleReconnect(error.message);
      });
    },
    reconnectNow,
    applyLatency: latency.reapply,
    stop() {
      if (stopped) return;
      stopped = true;
      generation += 1;
      clearTimers();
      window.removeEventListener('online', onOnline);
      if (handle) void sendMessage(handle, { request: 'stop' }).catch(() => undefined);
      teardown();
      setState('idle');
    },
  };
}
