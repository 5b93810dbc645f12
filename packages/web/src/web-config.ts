import type { WebConfigFile } from '@gencaster/domain';

/**
 * Reads the backend's `/config.json` (the contract is {@link WebConfigFile}), keeping only the
 * fields that have the right type: an older or hand-written file may lack some. Throws when the
 * file cannot be fetched, so each app decides on its fallback.
 */
export async function readWebConfig(url: string): Promise<Partial<WebConfigFile>> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const json = (await response.json()) as Partial<Record<keyof WebConfigFile, unknown>>;
  const config: Partial<WebConfigFile> = {};
  if (typeof json.graphqlUrl === 'string') config.graphqlUrl = json.graphqlUrl;
  if (typeof json.janusUrl === 'string') config.janusUrl = json.janusUrl;
  if (typeof json.janusPointUrl === 'string' && json.janusPointUrl.includes('{point}'))
    config.janusPointUrl = json.janusPointUrl;
  if (Array.isArray(json.iceServers))
    config.iceServers = json.iceServers as WebConfigFile['iceServers'];
  if (typeof json.mapTileUrl === 'string') config.mapTileUrl = json.mapTileUrl;
  if (typeof json.mapAttribution === 'string') config.mapAttribution = json.mapAttribution;
  return config;
}

/**
 * The Janus HTTP API to use for a stream point: with several sound hosts each point's audio comes
 * from the Janus of its own host, reached through `janusPointUrl`; otherwise the one `janusUrl`.
 */
export function janusUrlForPoint(
  config: { janusUrl: string; janusPointUrl?: string | undefined },
  pointUuid: string | null | undefined,
): string {
  if (!config.janusPointUrl || !pointUuid) return config.janusUrl;
  return config.janusPointUrl.replace('{point}', encodeURIComponent(pointUuid));
}
