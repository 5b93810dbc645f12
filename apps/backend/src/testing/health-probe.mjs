// Child process for the public-edge test: GETs /health every `everyMs` (argv: url, everyMs) from
// another process, so the timings are the server's and not the test process's, until the parent
// sends 'stop'; then sends { slowestMs, samples, failures } and exits.
import { request } from 'node:http';

const url = process.argv[2];
const everyMs = Number(process.argv[3] ?? 20);
let running = true;
process.on('message', (message) => {
  if (message === 'stop') running = false;
});

function health() {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(`${url}/health`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          ms: performance.now() - started,
          failure: res.statusCode === 200 ? undefined : `status ${res.statusCode}`,
        }),
      );
    });
    req.on('error', (error) =>
      resolve({ ms: performance.now() - started, failure: String(error) }),
    );
    req.end();
  });
}

const times = [];
const failures = [];
while (running) {
  const { ms, failure } = await health();
  times.push(ms);
  if (failure) failures.push(failure);
  await new Promise((resolve) => setTimeout(resolve, everyMs));
}
process.send({ slowestMs: Math.max(0, ...times), samples: times.length, failures }, () =>
  process.exit(0),
);
