import { GencasterError, type StreamPoint } from '@gencaster/domain';

/** Options of {@link chooseJanusUpstream}. */
export interface JanusUpstreamOptions {
  /** HTTP API base of the local sound fleet's Janus, if one runs. */
  localUrl: string | undefined;
  /** Operator allow-list (`GENCASTER_JANUS_ALLOWED_URLS`). */
  allowedUrls: readonly string[];
  /**
   * True when the backend verifies beacons with an OSC secret: a stored `janus_http_url` then came
   * from a signed beacon and is believed for a non-loopback address equal to the beacon's sender.
   */
  signedBeacons: boolean;
}

const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/i;

/** `origin + path` of a Janus API base without a trailing slash; undefined when not one. */
export function normaliseJanusBase(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/janus')) return undefined;
  return `${url.origin}${path}`;
}

/**
 * The Janus HTTP API base a request for `point` may go to — never just any URL a beacon named:
 * the local fleet's Janus (no URL, or the local URL), an allow-listed URL, or, with signed beacons,
 * a `…/janus` URL on the very address the point's beacons come from (not loopback: a local
 * process must not be able to name a port of its own). Throws FORBIDDEN (untrusted URL) or
 * UNAVAILABLE (no local fleet) with a message that names no address.
 */
export function chooseJanusUpstream(point: StreamPoint, options: JanusUpstreamOptions): string {
  const local = options.localUrl ? normaliseJanusBase(options.localUrl) : undefined;
  const beaconed = point.janusHttpUrl;
  if (beaconed === null || (local !== undefined && normaliseJanusBase(beaconed) === local)) {
    if (local === undefined)
      throw new GencasterError('UNAVAILABLE', 'Janus gateway: no sound fleet is running here');
    return local;
  }
  const base = normaliseJanusBase(beaconed);
  const allowed = options.allowedUrls.map(normaliseJanusBase);
  if (base !== undefined && allowed.includes(base)) return base;
  if (base !== undefined && options.signedBeacons) {
    const host = new URL(base).hostname;
    if (!LOOPBACK.test(host) && host === point.host) return base;
  }
  throw new GencasterError(
    'FORBIDDEN',
    "Janus gateway: this stream point's Janus URL is not trusted (operators: GENCASTER_JANUS_ALLOWED_URLS)",
  );
}
