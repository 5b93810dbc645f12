import type { Command } from 'commander';
import { startLocalCluster } from '../cluster/local-cluster.ts';
import { waitForShutdownSignal } from '../shutdown.ts';

/** `gencaster cluster --backends 2 --points N`: a throwaway local cluster for development. */
export function registerClusterCommands(program: Command): void {
  program
    .command('cluster')
    .description(
      'run a local cluster: throwaway PostgreSQL + Redis, N backends behind a WebSocket-capable proxy, and a sound fleet',
    )
    .option('--backends <n>', 'number of backend processes', '2')
    .option('--points <n>', 'stream points of the sound fleet (0 = none)', '1')
    .option('--port <port>', 'proxy port (0 = free port)', '0')
    .option('--base-port <port>', 'first backend port, the others follow (default: free ports)')
    .action(
      async (options: { backends: string; points: string; port: string; basePort?: string }) => {
        const backends = Number(options.backends);
        const points = Number(options.points);
        if (!Number.isInteger(backends) || backends < 1) throw new Error('--backends must be ≥ 1');
        if (!Number.isInteger(points) || points < 0) throw new Error('--points must be ≥ 0');
        const cluster = await startLocalCluster({
          backends,
          points,
          proxyPort: Number(options.port),
          ...(options.basePort ? { basePort: Number(options.basePort) } : {}),
        });
        console.log(`PostgreSQL  ${cluster.postgres.url}`);
        console.log(`Redis       ${cluster.redis.url}  (pid ${cluster.redis.pid()})`);
        for (const backend of cluster.backends)
          console.log(
            `${backend.id}   ${backend.url}  OSC udp ${backend.oscPort}  (pid ${backend.process.pid}, log ${backend.process.logFile})`,
          );
        if (cluster.fleet)
          console.log(
            `sound fleet ${points} point(s) beaconing to backend-0 (pid ${cluster.fleet.pid})`,
          );
        console.log(`listener    ${cluster.url}/`);
        console.log(`editor      ${cluster.url}/editor/`);
        console.log('Ctrl+C stops everything');
        await waitForShutdownSignal();
        await cluster.stop();
      },
    );
}
