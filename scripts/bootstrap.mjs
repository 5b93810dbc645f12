#!/usr/bin/env node
// Dependency-free bootstrap: runs before node_modules exists.
// Installs what is missing (Debian packages, npm dependencies, web builds), then hands over to
// the real command. Every step is idempotent and cheap when nothing changed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = join(root, 'node_modules', '.gencaster');
const started = Date.now();

function step(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[bootstrap +${seconds}s] ${message}`);
}

function fail(message, hint) {
  console.error(`[bootstrap] error: ${message}`);
  if (hint) console.error(`[bootstrap] what to do: ${hint}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  return result.status ?? 1;
}

function debianPackages() {
  const file = join(root, 'scripts', 'debian-packages.txt');
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

function missingDebianPackages(packages) {
  const result = spawnSync(
    'dpkg-query',
    ['-W', '-f=${Package} ${db:Status-Status}\n', ...packages],
    {
      encoding: 'utf8',
    },
  );
  const installed = new Set(
    (result.stdout ?? '')
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

function ensureDebianPackages() {
  if (process.env.GENCASTER_SKIP_APT === '1')
    return step('skipping Debian packages (GENCASTER_SKIP_APT=1)');
  if (!existsSync('/usr/bin/dpkg-query')) return step('not a Debian system: skipping apt packages');
  const missing = missingDebianPackages(debianPackages());
  if (missing.length === 0) return step('Debian packages: all present');
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  if (!asRoot && !existsSync('/usr/bin/sudo')) {
    fail(
      `missing Debian packages: ${missing.join(' ')}`,
      `run as root: apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  step(`Debian packages missing: ${missing.join(' ')} — running apt-get update (once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) =>
    prefix.length
      ? run(prefix[0], [...prefix.slice(1), 'apt-get', ...args], { env })
      : run('apt-get', args, { env });
  if (apt(['update']) !== 0)
    fail('apt-get update failed', 'check the Debian mirror configuration in /etc/apt');
  step(`installing ${missing.length} Debian package(s), this can take a minute`);
  if (apt(['install', '-y', '--no-install-recommends', ...missing]) !== 0) {
    fail(
      'apt-get install failed',
      `install them by hand: apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
}

/** The unprivileged system user the sound fleet runs as (README: trust model). */
const soundUser = process.env.GENCASTER_SOUND_USER || 'gencaster-sound';
/** The unprivileged system user the script sandbox process runs as (README: trust model). */
const sandboxUser = 'gencaster-sandbox';

function userExists(name) {
  return spawnSync('getent', ['passwd', name], { stdio: 'ignore' }).status === 0;
}

/**
 * Creates a system user (no home, no login shell) once. Only root can; without root the sound
 * fleet and the script sandbox run as the current user and say so in their logs.
 */
function ensureSystemUser(name, purpose) {
  if (process.platform !== 'linux') return step(`not Linux: no ${purpose} user`);
  if (userExists(name)) return step(`${purpose} user ${name}: present`);
  if (process.getuid?.() !== 0) {
    return step(
      `${purpose} user ${name} missing and not root: the ${purpose} will run as the current user (create it as root: useradd --system --no-create-home --shell /usr/sbin/nologin ${name})`,
    );
  }
  step(`creating system user ${name} for the ${purpose}`);
  const args = ['--system', '--no-create-home', '--home-dir', '/nonexistent'];
  if (run('useradd', [...args, '--shell', '/usr/sbin/nologin', '--user-group', name]) !== 0)
    fail(`useradd ${name} failed`, `create it by hand: useradd ${args.join(' ')} ${name}`);
}

function hashFiles(paths) {
  const hash = createHash('sha256');
  for (const path of paths) {
    if (!existsSync(path)) continue;
    hash.update(path);
    hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

function stampMatches(name, value) {
  const file = join(stateDir, name);
  return existsSync(file) && readFileSync(file, 'utf8') === value;
}

function writeStamp(name, value) {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, name), value);
}

function ensureNpmDependencies() {
  const lockHash = hashFiles([join(root, 'package-lock.json'), join(root, '.npmrc')]);
  if (existsSync(join(root, 'node_modules')) && stampMatches('lock-hash', lockHash)) {
    return step('npm dependencies: up to date');
  }
  step('installing npm dependencies (npm ci), this can take a few minutes on a fresh machine');
  const env = { ...process.env, npm_config_nodedir: '/usr', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
  if (run('npm', ['ci', '--no-audit', '--no-fund'], { env }) !== 0) {
    fail(
      'npm ci failed',
      'read the npm error above; a native addon needs build-essential and python3',
    );
  }
  writeStamp('lock-hash', lockHash);
}

/** Newest modification time below a folder, ignoring build output and dependencies. */
function newestSourceTime(folder) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  if (existsSync(folder)) walk(folder);
  return newest;
}

function ensureWebBuilds() {
  for (const app of ['listener', 'editor']) {
    const dir = join(root, 'apps', app);
    if (!existsSync(join(dir, 'index.html'))) continue;
    const stamp = String(
      Math.max(
        newestSourceTime(dir),
        newestSourceTime(join(root, 'packages', 'api')),
        newestSourceTime(join(root, 'packages', 'web')),
      ),
    );
    if (existsSync(join(dir, 'dist', 'index.html')) && stampMatches(`web-${app}`, stamp)) {
      step(`web app ${app}: build up to date`);
      continue;
    }
    step(`building web app ${app} (vite)`);
    if (run('npm', ['run', 'build', '--workspace', `@gencaster/${app}`]) !== 0) {
      fail(
        `building the ${app} web app failed`,
        `run "npm run build --workspace @gencaster/${app}" to see the error`,
      );
    }
    writeStamp(`web-${app}`, stamp);
  }
}

/** Compiles the backend to plain JavaScript for `start` when its sources changed (see build-backend.mjs). */
async function ensureBackendBuild() {
  const stamp = String(
    Math.max(
      newestSourceTime(join(root, 'packages')),
      newestSourceTime(join(root, 'apps', 'backend')),
    ),
  );
  const { backendBundle, buildBackend } = await import('./build-backend.mjs');
  if (existsSync(backendBundle) && stampMatches('backend', stamp)) {
    step('backend: compiled build up to date');
    return backendBundle;
  }
  step('compiling the backend (esbuild)');
  try {
    await buildBackend();
  } catch (error) {
    fail(`compiling the backend failed: ${error.message}`, 'run "npm run build" to see the error');
  }
  writeStamp('backend', stamp);
  return backendBundle;
}

const command = process.argv[2] ?? 'start';
const extraArgs = process.argv.slice(3);
step(`gencaster ${command}: checking the machine`);
ensureDebianPackages();
ensureSystemUser(soundUser, 'sound fleet');
ensureSystemUser(sandboxUser, 'script sandbox');
ensureNpmDependencies();
ensureWebBuilds();

const tsx = join(root, 'node_modules', '.bin', 'tsx');
switch (command) {
  case 'start': {
    const bundle = await ensureBackendBuild();
    step('starting the system (embedded database); stop with Ctrl+C');
    process.exit(run(process.execPath, ['--enable-source-maps', bundle, 'start', ...extraArgs]));
    break;
  }
  case 'test':
    process.exit(run(process.execPath, [join(root, 'scripts/run-tests.mjs'), ...extraArgs]));
    break;
  case 'bench':
    process.exit(run(tsx, [join(root, 'bench/run.ts'), ...extraArgs]));
    break;
  case 'install':
    step('everything is installed');
    break;
  default:
    fail(`unknown command "${command}"`, 'use one of: start, test, bench, install');
}
