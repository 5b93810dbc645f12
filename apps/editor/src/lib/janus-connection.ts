import type { JanusServerOptions } from '../../../../shared-web/janus-session.ts';

/**
 * Reads the backend's `/config.json` (the listener page uses the same file) and picks the Janus
 * URL of this stream point: the per-point pass-through when the backend offers one, else `/janus`.
 */
export async function janusServerFor(pointUuid: string): Promise<JanusServerOptions> {
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
    server: new URL(url, window.location.origin).toString(),
    apiSecret: config.janusApiSecret,
    iceServers: config.iceServers ?? [],
  };
}
