// The optional beacon key `janus_http_url` (several sound hosts) stays wire-compatible with 0.1.
import { describe, expect, it } from 'vitest';
import { parseBeacon } from './osc-messages.ts';

describe('beacon janus_http_url', () => {
  it('is optional: an original 0.1 beacon parses with janusHttpUrl null', () => {
    expect(parseBeacon({ lang_port: 57120, janus_out_room: 1 }).janusHttpUrl).toBeNull();
  });

  it('carries the Janus HTTP API URL of the point host', () => {
    const beacon = parseBeacon({ lang_port: 57120, janus_http_url: 'http://10.0.0.3:8088/janus' });
    expect(beacon.janusHttpUrl).toBe('http://10.0.0.3:8088/janus');
  });

  it('refuses anything that is not an http(s) URL', () => {
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'http://a b/', 'x'.repeat(300)])
      expect(() => parseBeacon({ lang_port: 57120, janus_http_url: bad })).toThrow(
        /janus_http_url/,
      );
  });
});
