import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * C source of a tiny LD_PRELOAD library: while `GENCASTER_LOOPBACK_BIND=1`, every IPv4 `bind()` to
 * INADDR_ANY becomes a bind to 127.0.0.1. sclang 3.13 has no option for the address of its OSC
 * port (it always binds 0.0.0.0:<-u port>); with this it listens on loopback only, so nobody on
 * the network can even reach it. Sending is unaffected for loopback peers (backend, scsynth).
 */
const SOURCE = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int (*real_bind)(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  if (!real_bind) real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
  const char *on = getenv("GENCASTER_LOOPBACK_BIND");
  if (on && strcmp(on, "1") == 0 && addr && addr->sa_family == AF_INET &&
      len >= (socklen_t)sizeof(struct sockaddr_in) &&
      ((const struct sockaddr_in *)addr)->sin_addr.s_addr == htonl(INADDR_ANY)) {
    struct sockaddr_in loopback;
    memcpy(&loopback, addr, sizeof loopback);
    loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return real_bind(fd, (const struct sockaddr *)&loopback, sizeof loopback);
  }
  return real_bind(fd, addr, len);
}
`;

/** Where the library is built: inside the repository's node_modules (root-owned, not /tmp). */
const CACHE_DIR = resolve(import.meta.dirname, '../../../node_modules/.cache/gencaster-sound');

let built: { path: string } | { reason: string } | undefined;

/**
 * The path of the loopback-bind library (see {@link SOURCE}), compiled with `cc` on first use and
 * cached by source hash; `{ reason }` when no C compiler is there (Debian: build-essential). Built
 * outside any world-writable directory, so no other user can plant a library for sclang to load.
 */
export function loopbackBindLibrary(): { path: string } | { reason: string } {
  if (built) return built;
  const hash = createHash('sha256').update(SOURCE).digest('hex').slice(0, 16);
  const path = join(CACHE_DIR, `loopback-bind-${hash}.so`);
  if (existsSync(path)) return (built = { path });
  mkdirSync(CACHE_DIR, { recursive: true, mode: 0o755 });
  const source = join(CACHE_DIR, `loopback-bind-${hash}.c`);
  writeFileSync(source, SOURCE, { mode: 0o644 });
  const draft = `${path}.${process.pid}`;
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', draft, source, '-ldl'], {
    encoding: 'utf8',
  });
  if (cc.status !== 0)
    return (built = {
      reason: `cannot build the loopback-bind library (${cc.error?.message ?? cc.stderr.trim()}); install build-essential`,
    });
  renameSync(draft, path);
  return (built = { path });
}
