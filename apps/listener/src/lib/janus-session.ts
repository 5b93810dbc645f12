import Janus, { type JanusJS } from 'janus-gateway';
import adapter from 'webrtc-adapter';

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

/** Where to reach Janus. */
export interface JanusServerOptions {
  server: string;
  iceServers: RTCIceServer[];
}

/**
 * Opens a Janus session. `onLost` fires once when the session dies later (server gone, long poll
 * failing, session destroyed), so callers can rebuild it.
 */
export async function openJanusSession(
  options: JanusServerOptions,
  onLost: (reason: string) => void,
): Promise<Janus> {
  await initJanus();
  return new Promise<Janus>((resolve, reject) => {
    let opened = false;
    let lost = false;
    const janus: Janus = new Janus({
      server: options.server,
      iceServers: options.iceServers,
      destroyOnUnload: true,
      success: () => {
        opened = true;
        resolve(janus);
      },
      error: (error: unknown) => {
        const reason = typeof error === 'string' ? error : String(error);
        if (!opened) reject(new Error(reason));
        else if (!lost) {
          lost = true;
          onLost(reason);
        }
      },
    });
  });
}

/** Attaches a plugin handle to a session and resolves once Janus has created it. */
export function attachPlugin(
  janus: Janus,
  plugin: string,
  callbacks: Omit<JanusJS.PluginOptions, 'plugin' | 'success' | 'error' | 'opaqueId'>,
): Promise<JanusJS.PluginHandle> {
  return new Promise((resolve, reject) => {
    janus.attach({
      ...callbacks,
      plugin,
      opaqueId: `gencaster-${Janus.randomString(12)}`,
      success: resolve,
      error: (error: string) => reject(new Error(error)),
    });
  });
}

/** Sends a plugin message and resolves with its synchronous reply (if any). */
export function sendMessage(
  handle: JanusJS.PluginHandle,
  message: JanusJS.PluginMessage['message'],
  jsep?: JanusJS.JSEP,
) {
  return new Promise<unknown>((resolve, reject) => {
    handle.send({
      message,
      ...(jsep ? { jsep } : {}),
      success: resolve,
      error: (error) => reject(new Error(error)),
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
