import Janus, { type JanusJS } from 'janus-gateway';
import adapter from 'webrtc-adapter';

let initialised: Promise<void> | undefined;

/** Initialises janus.js once (the npm ESM build needs webrtc-adapter passed in). */
function initJanus(): Promise<void> {
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

/** Where the editor reaches Janus: the backend's same-origin pass-through. */
export interface JanusServer {
  url: string;
  apiSecret: string | undefined;
  iceServers: RTCIceServer[];
}

/**
 * Reads the backend's `/config.json` (the listener page uses the same file) and picks the Janus
 * URL of this stream point: the per-point pass-through when the backend offers one, else `/janus`.
 */
export async function janusServerFor(pointUuid: string): Promise<JanusServer> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const config = (await response.json()) as {
    janusUrl?: string;
    janusPointUrl?: string;
    janusApiSecret?: string;
    iceServers?: RTCIceServer[];
  };
  const url = config.janusPointUrl
    ? config.janusPointUrl.replace('{point}', pointUuid)
    : (config.janusUrl ?? '/janus');
  return {
    url: new URL(url, window.location.origin).toString(),
    apiSecret: config.janusApiSecret,
    iceServers: config.iceServers ?? [],
  };
}

/** Opens a Janus session (10 s at most); `onLost` fires if it dies later. */
export async function openJanus(server: JanusServer, onLost: (reason: string) => void) {
  await initJanus();
  return new Promise<Janus>((resolve, reject) => {
    let opened = false;
    const timer = setTimeout(() => reject(new Error('Janus did not answer in time')), 10_000);
    const janus: Janus = new Janus({
      server: server.url,
      iceServers: server.iceServers,
      ...(server.apiSecret ? { apisecret: server.apiSecret } : {}),
      destroyOnUnload: true,
      success: () => {
        opened = true;
        clearTimeout(timer);
        resolve(janus);
      },
      error: (error: unknown) => {
        clearTimeout(timer);
        if (opened) onLost(String(error));
        else reject(new Error(String(error)));
      },
    });
  });
}

/** Attaches the streaming plugin (10 s at most). */
export function attachStreaming(
  janus: Janus,
  callbacks: Omit<JanusJS.PluginOptions, 'plugin' | 'success' | 'error' | 'opaqueId'>,
): Promise<JanusJS.PluginHandle> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('attaching to Janus timed out')), 10_000);
    janus.attach({
      ...callbacks,
      plugin: 'janus.plugin.streaming',
      opaqueId: `gencaster-editor-${Janus.randomString(12)}`,
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

/** Sends a plugin request and resolves with Janus' answer (10 s at most). */
export function sendJanus(
  handle: JanusJS.PluginHandle,
  message: JanusJS.PluginMessage['message'],
  jsep?: JanusJS.JSEP,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Janus ${message.request} timed out`)), 10_000);
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
export function closeJanus(janus: Janus | undefined): void {
  try {
    janus?.destroy({ cleanupHandles: true, notifyDestroyed: false, unload: false });
  } catch {
    // already gone
  }
}
