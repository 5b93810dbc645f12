// The OS box under the WASM runtimes, attacked from inside: a Node process started exactly as the
// sandbox host is (same bubblewrap, setpriv and permission flags) tries what escaped code would.
// Every attempt must fail while the box still runs the host's legitimate work.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxCommand, probeBox } from './sandbox-box.ts';
import { sandboxRuntimeDir } from './sandbox-runtime-files.ts';

let runtimeDir = '';
let dataDir = '';
let secretFile = '';
let server: Server;
let serverPort = 0;

beforeAll(async () => {
  runtimeDir = await sandboxRuntimeDir();
  dataDir = mkdtempSync(join(tmpdir(), 'gencaster-data-'));
  secretFile = join(dataDir, 'janus-secrets.json');
  writeFileSync(secretFile, '{"apiSecret":"TOP-SECRET-CONTENT"}');
  chmodSync(secretFile, 0o600);
  server = createServer((socket) => socket.end('HELLO-FROM-HOST'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverPort = (server.address() as { port: number }).port;
  process.env.GENCASTER_TEST_SECRET = 'ENV-SECRET-VALUE';
}, 60_000);

afterAll(() => {
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
  delete process.env.GENCASTER_TEST_SECRET;
});

/** Runs `script` (CommonJS) in the box; `readable` widens the permission model to show the OS layer alone. */
function inBox(
  script: string,
  readable: string[] = [],
): { status: number | null; out: string; err: string } {
  const box = boxCommand({ runtimeDir, nodeArgs: ['-e', script], alsoReadable: readable });
  const result = spawnSync(box.command, box.args, { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

// retry: real sandbox workers (Pyodide, QuickJS) run against deadlines and pace bounds on a loaded 2-core CI machine, where a worker can lose a race with the scheduler; one retry, reported as (retry x1).
describe('the sandbox box', { retry: 1 }, () => {
  it('is available on this machine (bubblewrap and user namespaces)', async () => {
    const found = await probeBox(runtimeDir);
    console.info(`[sandbox-box] probe: ${JSON.stringify(found)}`);
    expect(found.ok, found.reason).toBe(true);
    expect(found.user?.uid).not.toBe(0);
  });

  it('runs as an unprivileged user with no_new_privs and no capabilities', () => {
    const { out } = inBox(
      "const s = require('fs').readFileSync('/proc/self/status', 'utf8'); console.log(JSON.stringify({ uid: process.getuid(), nnp: /NoNewPrivs:\\s*1/.test(s), capEff: (s.match(/CapEff:\\s*(\\S+)/) || [])[1] }))",
      ['*'],
    );
    const seen = JSON.parse(out) as { uid: number; nnp: boolean; capEff: string };
    console.info(`[sandbox-box] identity inside the box: ${out.trim()}`);
    expect(seen.uid).not.toBe(0);
    expect(seen.nnp).toBe(true);
    expect(seen.capEff).toBe('0000000000000000');
  });

  it('cannot read the data dir or the secrets file, even with the permission model widened', () => {
    const script = `const fs = require('fs'); const out = {};
      for (const path of [${JSON.stringify(secretFile)}, ${JSON.stringify(dataDir)}, '/etc/passwd', '/root', '/work']) {
        try { out[path] = String(fs.readFileSync(path)).slice(0, 40); } catch (e) { out[path] = e.code; }
      }
      console.log(JSON.stringify(out));`;
    const { out } = inBox(script, ['*']);
    console.info(`[sandbox-box] file reads: ${out.trim()}`);
    expect(out).not.toContain('TOP-SECRET');
    const seen = JSON.parse(out) as Record<string, string>;
    expect(seen[secretFile]).toBe('ENOENT');
    expect(seen['/etc/passwd']).toBe('ENOENT');
  });

  it('the permission model alone refuses reads outside the runtime files', () => {
    const { out } = inBox(
      "try { require('fs').readFileSync('/usr/bin/node'); console.log('read'); } catch (e) { console.log(e.code); }",
    );
    expect(out.trim()).toBe('ERR_ACCESS_DENIED');
  });

  it('sees none of the backend environment (/proc/self/environ, process.env)', () => {
    const { out } = inBox(
      "console.log(JSON.stringify({ env: process.env, environ: require('fs').readFileSync('/proc/self/environ', 'utf8') }))",
      ['*'],
    );
    console.info(`[sandbox-box] environment: ${out.trim()}`);
    expect(out).not.toContain('ENV-SECRET-VALUE');
    expect(out).not.toContain('GENCASTER');
  });

  it('has no network: a server on the host loopback is unreachable', () => {
    const script = `const net = require('net'); const s = net.connect(${serverPort}, '127.0.0.1');
      s.on('data', (d) => { console.log('GOT ' + d); process.exit(0); });
      s.on('error', (e) => { console.log(e.code); process.exit(0); });
      setTimeout(() => { console.log('TIMEOUT'); process.exit(0); }, 3000);`;
    const { out } = inBox(script);
    console.info(`[sandbox-box] connect to host 127.0.0.1:${serverPort}: ${out.trim()}`);
    expect(out).not.toContain('HELLO-FROM-HOST');
    expect(out.trim()).toMatch(/ECONNREFUSED|ENETUNREACH|TIMEOUT/);
    const interfaces = inBox(
      "console.log(Object.keys(require('os').networkInterfaces()).join(','))",
    );
    expect(interfaces.out.trim()).toBe('lo');
  });

  it('cannot start processes (the way Pyodide implements system())', () => {
    const { out } = inBox(
      "const cp = require('child_process'); const r = []; for (const f of [() => cp.spawnSync('/bin/sh', ['-c', 'id']), () => cp.execSync('id'), () => process.binding('spawn_sync')]) { try { f(); r.push('ran'); } catch (e) { r.push(e.code || e.message); } } console.log(r.join(','))",
      ['*'],
    );
    console.info(`[sandbox-box] process creation: ${out.trim()}`);
    expect(out).not.toContain('ran');
  });

  it('cannot write anywhere outside its private /tmp', () => {
    const script = `const fs = require('fs'); const r = {};
      for (const path of ['/sandbox/x', '/usr/x', ${JSON.stringify(join(dataDir, 'x'))}]) {
        try { fs.writeFileSync(path, '1'); r[path] = 'written'; } catch (e) { r[path] = e.code; }
      }
      console.log(JSON.stringify(r));`;
    const { out } = inBox(script);
    expect(out).not.toContain('written');
  });

  it('sees only its own processes', () => {
    const { out } = inBox(
      "console.log(require('fs').readdirSync('/proc').filter((n) => /^\\d+$/.test(n)).length)",
      ['*'],
    );
    expect(Number(out.trim())).toBeLessThanOrEqual(3);
  });
});
