import { withJanusPlugin } from './janus-api.ts';
import { janusMountCredentials } from './janus-secrets.ts';

/** Where a point's audience is: its Janus and the rooms to empty. */
export interface JanusAudienceTarget {
  /** HTTP API base of the point's Janus. */
  baseUrl: string;
  apiSecret: string;
  /** Key the rooms' secrets derive from ({@link janusMountCredentials}). */
  mountKey: string;
  /** Streaming mountpoint id (the listeners' audio), if any. */
  mountpoint: number | null;
  /** AudioBridge room id (the listeners' microphones), if any. */
  microphoneRoom: number | null;
}

/**
 * Ends every viewer of the mountpoint and every participant of the microphone room (`kick_all`,
 * authorised by each room's derived secret). Resolves with what it emptied.
 */
export async function kickJanusAudience(
  target: JanusAudienceTarget,
): Promise<('mountpoint' | 'room')[]> {
  const { baseUrl, apiSecret, mountKey, mountpoint, microphoneRoom } = target;
  const kicked: ('mountpoint' | 'room')[] = [];
  if (mountpoint !== null) {
    const { secret } = janusMountCredentials(mountKey, mountpoint);
    await withJanusPlugin(baseUrl, 'janus.plugin.streaming', apiSecret, (handle) =>
      handle.request({ request: 'kick_all', id: mountpoint, secret }),
    );
    kicked.push('mountpoint');
  }
  if (microphoneRoom !== null) {
    const { secret } = janusMountCredentials(mountKey, microphoneRoom);
    await withJanusPlugin(baseUrl, 'janus.plugin.audiobridge', apiSecret, (handle) =>
      handle.request({ request: 'kick_all', room: microphoneRoom, secret }),
    );
    kicked.push('room');
  }
  return kicked;
}
