import type { JanusJS } from 'janus-gateway';
import type Janus from 'janus-gateway';
import {
  attachPlugin,
  destroyJanusSession,
  openJanusSession,
  sendMessage,
  type JanusServerOptions,
} from '@gencaster/web/janus';
import { withStereoOpus } from '@gencaster/web';

/** State of the listener's microphone. */
export type MicrophoneState = 'off' | 'joining' | 'on' | 'error';

/** Callbacks and server of a microphone sender. */
export interface JanusMicrophoneOptions extends JanusServerOptions {
  /** The local microphone track while it is sent, null after leaving. */
  onLocalTrack(track: MediaStreamTrack | null): void;
  onState(state: MicrophoneState, detail?: string): void;
}

/** Sends the listener's microphone into a stream point's audiobridge room. */
export interface JanusMicrophone {
  /** Joins a room and starts sending (asks for microphone permission). */
  join(room: number): Promise<void>;
  /** Leaves the room and releases the microphone; nothing re-joins on its own. */
  leave(): void;
}

/**
 * Creates a microphone sender for the Janus audiobridge plugin: `join` the room, on `joined` create
 * an audio-only offer (stereo Opus) and `configure` with it unmuted; `leave` ends it. Each join uses
 * its own Janus session, so leaving can never trigger a re-join (a bug of the original).
 */
export function createJanusMicrophone(options: JanusMicrophoneOptions): JanusMicrophone {
  let janus: Janus | undefined;
  let joinedHandle: JanusJS.PluginHandle | undefined;
  let generation = 0;

  function fail(current: number, reason: string) {
    if (current !== generation) return;
    cleanup();
    options.onState('error', reason);
  }

  function cleanup() {
    generation += 1;
    const old = janus;
    janus = undefined;
    joinedHandle = undefined;
    options.onLocalTrack(null);
    destroyJanusSession(old);
  }

  function publish(current: number, handle: JanusJS.PluginHandle) {
    handle.createOffer({
      tracks: [{ type: 'audio', capture: true, recv: false }],
      customizeSdp: (jsep: JanusJS.JSEP) => {
        if (jsep.sdp) jsep.sdp = withStereoOpus(jsep.sdp);
      },
      success: (jsep: JanusJS.JSEP) => {
        if (current !== generation) return;
        sendMessage(handle, { request: 'configure', muted: false }, jsep).catch((error: Error) =>
          fail(current, error.message),
        );
      },
      error: (error: Error) => fail(current, `microphone: ${error.message}`),
    });
  }

  return {
    async join(room) {
      cleanup();
      const current = generation;
      if (typeof navigator.mediaDevices?.getUserMedia !== 'function') {
        options.onState('error', 'the microphone needs a secure page (https or localhost)');
        return;
      }
      options.onState('joining');
      let published = false;
      try {
        const session = await openJanusSession(options, (reason) => fail(current, reason));
        if (current !== generation) return destroyJanusSession(session);
        janus = session;
        const handle: JanusJS.PluginHandle = await attachPlugin(
          session,
          'janus.plugin.audiobridge',
          {
            onmessage: (message, jsep) => {
              if (current !== generation) return;
              if (typeof message.error === 'string') return fail(current, message.error);
              if (message.audiobridge === 'joined' && !published) {
                published = true;
                publish(current, handle);
              }
              if (jsep) handle.handleRemoteJsep({ jsep });
            },
            onlocaltrack: (track, on) => {
              if (current === generation && track.kind === 'audio')
                options.onLocalTrack(on ? track : null);
            },
            webrtcState: (up) => {
              if (current !== generation) return;
              if (up) options.onState('on');
              else fail(current, 'microphone connection closed');
            },
          },
        );
        if (current !== generation) return;
        joinedHandle = handle;
        await sendMessage(handle, { request: 'join', room, display: 'listener', muted: false });
      } catch (error) {
        fail(current, (error as Error).message);
      }
    },
    leave() {
      const oldJanus = janus;
      const handle = joinedHandle;
      if (!oldJanus) return;
      generation += 1;
      janus = undefined;
      joinedHandle = undefined;
      options.onLocalTrack(null);
      options.onState('off');
      const done = () => destroyJanusSession(oldJanus);
      if (handle) sendMessage(handle, { request: 'leave' }).then(done, done);
      else done();
    },
  };
}
