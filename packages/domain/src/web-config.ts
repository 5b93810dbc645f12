/** A STUN/TURN server as browsers take it (`RTCIceServer`). */
export interface WebIceServer {
  urls: string | string[];
  username?: string | undefined;
  credential?: string | undefined;
}

/**
 * What the backend serves at `/config.json` for the editor and the listener: where the GraphQL
 * API, the Janus gateway and the map tiles are. Never a secret (the gateway adds the Janus secret).
 */
export interface WebConfigFile {
  /** GraphQL endpoint for HTTP; the WebSocket URL is derived from it. */
  graphqlUrl: string;
  /** The backend's Janus gateway (HTTP API). */
  janusUrl: string;
  /** The gateway of one stream point's Janus, `{point}` standing for its uuid. */
  janusPointUrl: string;
  /** ICE servers handed to Janus' RTCPeerConnection. */
  iceServers: WebIceServer[];
  /** A tile URL template (`{z}`, `{x}`, `{y}`), or null: the maps draw a plain metric grid. */
  mapTileUrl: string | null;
  /** Shown on the map next to the tiles. */
  mapAttribution: string;
}
