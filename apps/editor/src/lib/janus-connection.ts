import { janusUrlForPoint, readWebConfig } from '@gencaster/web';
import type { JanusServerOptions } from '@gencaster/web/janus';

/**
 * Reads the backend's `/config.json` (the listener page uses the same file) and picks the Janus
 * URL of this stream point: the per-point gateway when the backend offers one, else `/janus`.
 */
export async function janusServerFor(pointUuid: string): Promise<JanusServerOptions> {
  const config = await readWebConfig('/config.json');
  const url = janusUrlForPoint(
    { janusUrl: config.janusUrl ?? '/janus', janusPointUrl: config.janusPointUrl },
    pointUuid,
  );
  return {
    server: new URL(url, window.location.origin).toString(),
    // The backend's gateway knows the editor by its session cookie; it adds the Janus secret.
    withCredentials: true,
    iceServers: config.iceServers ?? [],
  };
}
