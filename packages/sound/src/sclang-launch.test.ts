import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sclangEnv, writeSclangConfig } from './sclang-launch.ts';

describe('sclang launch', () => {
  const dirs: string[] = [];
  const saved = process.env.XDG_DATA_HOME;
  afterEach(() => {
    process.env.XDG_DATA_HOME = saved;
    dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  // Regression: with our class folder both on includePaths and symlinked into the user extension
  // dir, sclang failed with "duplicate Class found" and never booted scsynth.
  it('excludes an installed copy of the class folder from the language config', () => {
    const root = mkdtempSync(join(tmpdir(), 'gencaster-sclang-test-'));
    dirs.push(root);
    const classes = join(root, 'repo', 'Gencaster');
    mkdirSync(classes, { recursive: true });
    const extensions = join(root, 'data', 'SuperCollider', 'Extensions');
    mkdirSync(join(extensions, 'SomethingElse'), { recursive: true });
    symlinkSync(classes, join(extensions, 'MyLink'));
    mkdirSync(join(extensions, 'Gencaster'));
    process.env.XDG_DATA_HOME = join(root, 'data');
    const yaml = readFileSync(writeSclangConfig(join(root, 'conf'), [classes]), 'utf8');
    expect(yaml).toContain(`includePaths:\n    - ${JSON.stringify(classes)}\n`);
    expect(yaml).toContain(JSON.stringify(join(extensions, 'MyLink')));
    expect(yaml).toContain(JSON.stringify(join(extensions, 'Gencaster')));
    expect(yaml).not.toContain('SomethingElse');
  });

  it('passes the env contract of stream-point.scd and the headless Qt settings', () => {
    const root = mkdtempSync(join(tmpdir(), 'gencaster-sclang-test-'));
    dirs.push(root);
    process.env.GENCASTER_TEST_LEAK = 'postgres://user:secret@db/gencaster';
    const env = sclangEnv({
      scName: 'SuperCollider1',
      synthPort: 1,
      janusOutPort: 2,
      janusInPort: 0,
      janusOutRoom: 1,
      janusInRoom: 1,
      janusPublicIp: '127.0.0.1',
      useInput: false,
      backendOscHost: '127.0.0.1',
      backendOscPort: 7000,
      jackServer: 'gencaster-x-1',
      jackOutputs: ['gst-out-1:in_src_1', 'gst-out-1:in_src_2'],
      jackInputs: [],
      runtimeDir: join(root, 'xdg'),
    });
    expect(env).toMatchObject({
      QT_QPA_PLATFORM: 'offscreen',
      QTWEBENGINE_DISABLE_SANDBOX: '1',
      SC_NAME: 'SuperCollider1',
      SC_JACK_SERVER: 'gencaster-x-1',
      JACK_DEFAULT_SERVER: 'gencaster-x-1',
      SC_JACK_DEFAULT_OUTPUTS: 'gst-out-1:in_src_1,gst-out-1:in_src_2',
      SUPERCOLLIDER_USE_INPUT: '0',
      BACKEND_OSC_PORT: '7000',
    });
    expect(env.SC_JACK_DEFAULT_INPUTS).toBeUndefined();
    expect(env.GENCASTER_OSC_SECRET).toBeUndefined();
    // Editors' code can read its environment: nothing of the launcher's own reaches sclang.
    expect(env.GENCASTER_TEST_LEAK).toBeUndefined();
    expect(env.HOME).toBe(join(root, 'xdg'));
    delete process.env.GENCASTER_TEST_LEAK;
  });
});
