// With an OSC secret set, a stream point must sign what it sends: the original accepted any
// /beacon and /acknowledge, so anyone on the network could announce a fake point or fake an ack.
import { describe, expect, it } from 'vitest';
import { createMessageAuthenticator } from './message-auth.ts';

describe('OSC message authentication', () => {
  it('refuses unsigned /beacon and /acknowledge when a secret is set, from loopback too', async () => {
    const auth = createMessageAuthenticator({ secret: 'a-secret-of-16-chars' });
    for (const address of ['/beacon', '/acknowledge']) {
      for (const host of ['192.0.2.10', '127.0.0.1']) {
        await expect(auth.verify(address, { name: 'fake', lang_port: 1 }, host)).rejects.toThrow(
          expect.objectContaining({ code: 'UNAUTHENTICATED' }) as Error,
        );
      }
    }
  });
});
