// The Janus client code of the listener page and the editor: one janus.js initialisation,
// sessions that report their loss once, plugin attach and request helpers with time limits.
import Janus, { type JanusJS } from 'janus-gateway';
import adapter from 'webrtc-adapter';
import { withStereoOpus } from './sdp-stereo.ts';

let initialised: Promise<void> | undefined;

/** Initialises janus.js once; the npm ESM build needs webrtc-adapter passed in explicitly. */
export function initJanus(): Promise<void> {
  initialised ??= new Promise<void>((resolve, reject) => {
    Janus.init({
      debug: false,
      dependencies: Janus.useDefaultDependencies({ adapter }),
      callback: () =>
        Janus.isWebrtcSupported() ? resolve() : reject(new Error('WebRTC is not supported')),
    });
  });
  return initialised;
}

/**
 * Where to reach Janus: always the backend's Janus gateway, which holds the Janus secrets itself
 * (browsers never get one) and lets each caller use only its own stream point.
 */
export interface JanusServerOptions {
  server: string;
  iceServers: RTCIceServer[];
  /**
   * The listener token of this page's stream (from StreamInfo), sent as the Janus `token` so the
   * gateway knows which stream point this listener holds.
   */
  token?: string | undefined;
  /** Send the editor's session cookie with every Janus request (editor pages, no token). */
  withCredentials?: boolean | undefined;
}

/**
 * Opens a Janus session. `onLost` fires once when the session dies later (server gone, long poll
 * failing, session destroyed), so callers can rebuild it. Gives up after `timeoutMs` (a blocked
 * network can leave the HTTP request hanging).
 */
export async function openJanusSession(
  options: JanusServerOptions,
  onLost: (reason: string) => void,
  timeoutMs = 10_000,
): Promise<Janus> {
  await initJanus();
  return new Promise<Janus>((resolve, reject) => {
    let opened = false;
    let lost = false;
    const timer = setTimeout(() => {
      if (opened) return;
      lost = true;
      reject(new Error('Janus did not answer in time'));
      destroyJanusSession(janus);
    }, timeoutMs);
    const janus: Janus = new Janus({
      server: options.server,
      iceServers: options.iceServers,
      ...(options.token ? { token: options.token } : {}),
      ...(options.withCredentials ? { withCredentials: true } : {}),
      destroyOnUnload: true,
      success: () => {
        if (lost) return;
        opened = true;
        clearTimeout(timer);
        resolve(janus);
      },
      error: (error: unknown) => {
        const reason = typeof error === 'string' ? error : String(error);
        clearTimeout(timer);
        if (!opened) reject(new Error(reason));
        else if (!lost) {
          lost = true;
          onLost(reason);
        }
      },
    });
  });
}

/** Attaches a plugin handle to a session and resolves once Janus has created it (10 s at most). */
export function attachPlugin(
  janus: Janus,
  plugin: string,
  callbacks: Omit<JanusJS.PluginOptions, 'plugin' | 'success' | 'error' | 'opaqueId'>,
): Promise<JanusJS.PluginHandle> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`attaching ${plugin} timed out`)), 10_000);
    janus.attach({
      ...callbacks,
      plugin,
      opaqueId: `gencaster-${Janus.randomString(12)}`,
      success: (handle: JanusJS.PluginHandle) => {
        clearTimeout(timer);
        resolve(handle);
      },
      error: (error: string) => {
        clearTimeout(timer);
        reject(new Error(error));
      },
    });
  });
}

/** Sends a plugin message and resolves with its reply or acknowledgement (10 s at most). */
export function sendMessage(
  handle: JanusJS.PluginHandle,
  message: JanusJS.PluginMessage['message'],
  jsep?: JanusJS.JSEP,
) {
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Janus request ${message.request} timed out`)),
      10_000,
    );
    handle.send({
      message,
      ...(jsep ? { jsep } : {}),
      success: (data) => {
        clearTimeout(timer);
        resolve(data);
      },
      error: (error) => {
        clearTimeout(timer);
        reject(new Error(error));
      },
    });
  });
}

/** Destroys a session without throwing (it may already be gone). */
export function destroyJanusSession(janus: Janus | undefined): void {
  if (!janus) return;
  try {
    janus.destroy({ cleanupHandles: true, notifyDestroyed: false, unload: false });
  } catch {
    // already gone
  }
}

/**
 * Answers a streaming mountpoint's offer asking for stereo Opus ({@link withStereoOpus}), as both
 * players do; `onAnswer` gets the local answer to send with `start`.
 */
export function answerWithStereoOpus(
  handle: JanusJS.PluginHandle,
  jsep: JanusJS.JSEP,
  onAnswer: (local: JanusJS.JSEP) => void,
  onError: (reason: string) => void,
): void {
  handle.createAnswer({
    jsep,
    tracks: [],
    customizeSdp: (local: JanusJS.JSEP) => {
      if (local.sdp) local.sdp = withStereoOpus(local.sdp);
    },
    success: onAnswer,
    error: (error: string) => onError(`answer failed: ${error}`),
  } as JanusJS.PluginCreateAnswerParam);
}

/** The RTCRtpReceiver of a remote track of this handle's peer connection, if it has one. */
export function receiverOfTrack(
  handle: JanusJS.PluginHandle | undefined,
  track: MediaStreamTrack,
): RTCRtpReceiver | null {
  return handle?.webrtcStuff.pc?.getReceivers().find((entry) => entry.track === track) ?? null;
}
