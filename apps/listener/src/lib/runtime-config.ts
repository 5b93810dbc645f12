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
  iceServers: RTCIceServer[];
}

let cached: Promise<RuntimeConfig> | undefined;

/**
 * Loads the runtime configuration once: `config.json` next to the built app (written or served by
 * the backend) may set `graphqlUrl`, `janusUrl`, `janusPointUrl` and `iceServers` (never a Janus secret: the backend's gateway adds it); anything missing falls back to
 * `/graphql` on this origin and Janus on this host (port 8088 over http, 8089 over https).
 */
export function loadRuntimeConfig(): Promise<RuntimeConfig> {
  cached ??= fetchConfig();
  return cached;
}

async function fetchConfig(): Promise<RuntimeConfig> {
  const defaults = defaultRuntimeConfig(window.location);
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
    if (!response.ok) return defaults;
    const json = (await response.json()) as Partial<RuntimeConfig>;
    return {
      graphqlUrl: typeof json.graphqlUrl === 'string' ? json.graphqlUrl : defaults.graphqlUrl,
      janusUrl: typeof json.janusUrl === 'string' ? json.janusUrl : defaults.janusUrl,
      janusPointUrl:
        typeof json.janusPointUrl === 'string' && json.janusPointUrl.includes('{point}')
          ? json.janusPointUrl
          : undefined,
      iceServers: Array.isArray(json.iceServers) ? json.iceServers : defaults.iceServers,
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

/**
 * The Janus HTTP API to use for a stream point: with several sound hosts each point's audio comes
 * from the Janus of its own host, reached through `janusPointUrl`; otherwise the one `janusUrl`.
 */
export function janusUrlForPoint(
  config: Pick<RuntimeConfig, 'janusUrl' | 'janusPointUrl'>,
  pointUuid: string | null | undefined,
): string {
  if (!config.janusPointUrl || !pointUuid) return config.janusUrl;
  return config.janusPointUrl.replace('{point}', encodeURIComponent(pointUuid));
}
