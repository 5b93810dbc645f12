import type { JanusServerOptions } from '../../../../shared-web/janus-session.ts';

/**
 * Reads the backend's `/config.json` (the listener page uses the same file) and picks the Janus
 * URL of this stream point: the per-point gateway when the backend offers one, else `/janus`.
 */
export async function janusServerFor(pointUuid: string): Promise<JanusServerOptions> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const config = (await response.json()) as {
    janusUrl?: string;
    janusPointUrl?: string;
    iceServers?: RTCIceServer[];
  };
  const url = config.janusPointUrl
    ? config.janusPointUrl.replace('{point}', pointUuid)
    : (config.janusUrl ?? '/janus');
  return {
    server: new URL(url, window.location.origin).toString(),
    // The backend's gateway knows the editor by its session cookie; it adds the Janus secret.
    withCredentials: true,
    iceServers: config.iceServers ?? [],
  };
}
