import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findJanusLibDir, writeJanusConfig } from './janus-config.ts';
import {
  janusMountCredentials,
  loadOrCreateJanusSecrets,
  readJanusSecrets,
} from './janus-secrets.ts';

// retry: real JACK, scsynth, sclang or Janus processes on a loaded 2-core CI machine can lose a race with the scheduler (start-up, ports, audio clock); one retry, reported as (retry x1).
describe('janus secrets and config', { retry: 1 }, () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'gencaster-janus-test-'));
    dirs.push(d);
    return d;
  };

  it('generates secrets once, keeps them private and stable, and stores overrides', () => {
    const data = dir();
    const first = loadOrCreateJanusSecrets(data);
    expect(first.apiSecret).toMatch(/^[0-9a-f]{48}$/);
    expect(new Set(Object.values(first)).size).toBe(4);
    expect(statSync(join(data, 'janus-secrets.json')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateJanusSecrets(data)).toEqual(first);
    const changed = loadOrCreateJanusSecrets(data, { apiSecret: 'given' });
    expect(readJanusSecrets(data)).toEqual({ ...first, apiSecret: 'given' });
    expect(changed.adminSecret).toBe(first.adminSecret);
  });

  it('derives a distinct secret and pin per room from the mount key', () => {
    const one = janusMountCredentials('key', 1);
    expect(one).toEqual(janusMountCredentials('key', 1));
    expect(one.pin).not.toBe(one.secret);
    expect(janusMountCredentials('key', 2).pin).not.toBe(one.pin);
    expect(janusMountCredentials('other', 1).pin).not.toBe(one.pin);
  });

  it.skipIf(findJanusLibDir() === null)(
    'loads only HTTP + streaming + audiobridge and never writes an empty admin_key',
    () => {
      const conf = dir();
      const file = writeJanusConfig({
        dir: conf,
        httpPort: 18088,
        rtpPortRange: { min: 20000, max: 20199 },
        apiSecret: 'a',
        adminSecret: 'b',
        pluginAdminKey: 'k',
      });
      const main = readFileSync(file, 'utf8');
      expect(main).toContain('rtp_port_range = "20000-20199"');
      expect(main).toContain('api_secret = "a"');
      expect(main).toMatch(/disable = ".*libjanus_videoroom\.so.*"/);
      expect(main).not.toMatch(/disable = "[^"]*libjanus_(streaming|audiobridge|http)\.so/);
      expect(main).not.toContain('nat_1_1_mapping'); // loopback public IP: no mapping
      expect(main).toContain(`protected_folders = ["/", ${JSON.stringify(conf)}]`);
      const http = readFileSync(join(conf, 'janus.transport.http.jcfg'), 'utf8');
      expect(http).toContain('ip = "127.0.0.1"');
      expect(http).toContain('port = 18088');
      for (const plugin of ['streaming', 'audiobridge']) {
        const text = readFileSync(join(conf, `janus.plugin.${plugin}.jcfg`), 'utf8');
        expect(text).toContain('admin_key = "k"');
        expect(text).not.toContain('admin_key = ""');
      }
      const bridge = readFileSync(join(conf, 'janus.plugin.audiobridge.jcfg'), 'utf8');
      expect(bridge).toContain('lock_rtp_forward = true');
      expect(bridge).toContain('lock_play_file = true');
    },
  );
});
