import type { StreamPoint } from '@gencaster/domain';
import { kickJanusAudience, type JanusSecrets } from '@gencaster/sound';
import { resolveJanusAccess, type JanusEndpoint } from './janus-gateway.ts';
import { chooseJanusUpstream, type JanusUpstreamOptions } from './janus-upstream.ts';

/** Options of {@link createAudienceKicker}. */
export interface AudienceKickerOptions {
  /** The local fleet's Janus, if one runs. */
  endpoint: () => JanusEndpoint | undefined;
  /** Secrets when no local fleet says them (sound on other hosts: the shared secrets file). */
  storedSecrets: () => Partial<JanusSecrets> | undefined;
  /** Which beaconed Janus URLs are believed (besides the local fleet's). */
  upstream: Omit<JanusUpstreamOptions, 'localUrl'>;
}

/**
 * Empties a point's Janus rooms (see `kickJanusAudience`) on the Janus the gateway would use for
 * it. Run before a new stream starts on the point: a previous listener whose page still plays (an
 * end screen, a forgotten tab, a client that ignores the dead end) must never hear the next
 * listener's story.
 */
export function createAudienceKicker(options: AudienceKickerOptions) {
  return async (point: StreamPoint): Promise<('mountpoint' | 'room')[]> => {
    const { localUrl, apiSecret, mountKey } = resolveJanusAccess(
      options.endpoint,
      options.storedSecrets,
    );
    if (!apiSecret || !mountKey) return []; // no Janus configured here: nobody can be listening
    return kickJanusAudience({
      baseUrl: chooseJanusUpstream(point, { ...options.upstream, localUrl }),
      apiSecret,
      mountKey,
      mountpoint: point.janusOutRoom,
      microphoneRoom: point.useInput ? point.janusInRoom : null,
    });
  };
}
