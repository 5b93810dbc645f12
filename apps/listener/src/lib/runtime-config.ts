import type { WebIceServer } from '@gencaster/domain';
import { readWebConfig } from '@gencaster/web';

/** Where the page finds its servers. */
export interface RuntimeConfig {
  /** GraphQL endpoint for HTTP; the WebSocket URL is derived from it. */
  graphqlUrl: string;
  /** Janus HTTP API, e.g. `http://host:8088/janus`. */
  janusUrl: string;
  /**
   * Janus HTTP API of one stream point, `{point}` standing for its uuid (the backend's
   * `/janus/point/{point}` gateway to the Janus of that point's sound host); unset: `janusUrl`.
   */
  janusPointUrl: string | undefined;
  /** ICE servers handed to Janus' RTCPeerConnection. */
  iceServers: WebIceServer[];
}

let cached: Promise<RuntimeConfig> | undefined;

/**
 * Loads the runtime configuration once: `config.json` next to the built app (written or served by
 * the backend) may set `graphqlUrl`, `janusUrl`, `janusPointUrl` and `iceServers` (never a Janus
 * secret: the backend's gateway adds it); anything missing falls back to `/graphql` on this origin
 * and Janus on this host (port 8088 over http, 8089 over https).
 */
export function loadRuntimeConfig(): Promise<RuntimeConfig> {
  cached ??= fetchConfig();
  return cached;
}

async function fetchConfig(): Promise<RuntimeConfig> {
  const defaults = defaultRuntimeConfig(window.location);
  try {
    const file = await readWebConfig(`${import.meta.env.BASE_URL}config.json`);
    return {
      graphqlUrl: file.graphqlUrl ?? defaults.graphqlUrl,
      janusUrl: file.janusUrl ?? defaults.janusUrl,
      janusPointUrl: file.janusPointUrl,
      iceServers: file.iceServers ?? defaults.iceServers,
    };
  } catch {
    return defaults;
  }
}

/** The configuration used when the backend says nothing. */
export function defaultRuntimeConfig(
  location: Pick<Location, 'protocol' | 'hostname'>,
): RuntimeConfig {
  const secure = location.protocol === 'https:';
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  return {
    graphqlUrl: '/graphql',
    janusUrl: `${secure ? 'https' : 'http'}://${host}:${secure ? 8089 : 8088}/janus`,
    janusPointUrl: undefined,
    iceServers: [],
  };
}
