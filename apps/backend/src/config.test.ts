import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies defaults: embedded database, loopback, no ICE servers', () => {
    const config = loadConfig({}, '/srv/gencaster');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8081,
      dataDir: '/srv/gencaster/.data',
      databaseUrl: undefined,
      iceServers: [],
    });
  });

  it('reads STUN/TURN servers for listeners outside the LAN from GENCASTER_ICE_SERVERS', () => {
    const servers = [
      { urls: 'stun:stun.example.org:3478' },
      { urls: ['turn:turn.example.org:3478'], username: 'caster', credential: 'secret' },
    ];
    const config = loadConfig({ GENCASTER_ICE_SERVERS: JSON.stringify(servers) });
    expect(config.iceServers).toEqual(servers);
  });

  it('reads map tiles for the place maps; a URL without {z}/{x}/{y} is refused', () => {
    expect(loadConfig({}).map).toEqual({ tileUrl: undefined, attribution: '' });
    const tiles = 'https://tile.example.org/{z}/{x}/{y}.png';
    expect(
      loadConfig({ GENCASTER_MAP_TILE_URL: tiles, GENCASTER_MAP_ATTRIBUTION: '© Example' }).map,
    ).toEqual({ tileUrl: tiles, attribution: '© Example' });
    expect(() =>
      loadConfig({ GENCASTER_MAP_TILE_URL: 'https://tile.example.org/tile.png' }),
    ).toThrow(/GENCASTER_MAP_TILE_URL/);
    expect(() => loadConfig({ GENCASTER_MAP_TILE_URL: 'file:///{z}/{x}/{y}' })).toThrow(
      /GENCASTER_MAP_TILE_URL/,
    );
  });

  it('names every bad variable in one error', () => {
    const load = () =>
      loadConfig({
        GENCASTER_ICE_SERVERS: '[{"urls": "http://not-ice"}]',
        GENCASTER_PORT: 'eighty',
        GENCASTER_OSC_SECRET: 'short',
      });
    expect(load).toThrow(/GENCASTER_ICE_SERVERS/);
    expect(load).toThrow(/GENCASTER_PORT/);
    expect(load).toThrow(/GENCASTER_OSC_SECRET/);
    expect(() => loadConfig({ GENCASTER_ICE_SERVERS: 'not json' })).toThrow(
      /GENCASTER_ICE_SERVERS: must be a JSON array/,
    );
  });
});
