// Child process for the public-edge test: POSTs `count` JSON bodies to /graphql at once from the
// source address `from`, in another process than the backend under test, and sends back every
// answer's status and body. argv[2] is JSON { url, from, bodies }. Waits for 'go' after 'ready'.
import { request } from 'node:http';

const { url, from, bodies } = JSON.parse(process.argv[2]);
const target = new URL('/graphql', url);

function post(body) {
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        localAddress: from,
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, text: String(error) }));
    req.end(body);
  });
}

process.send('ready');
await new Promise((resolve) => process.once('message', resolve));
const answers = await Promise.all(bodies.map((body) => post(body)));
process.send({ answers }, () => process.exit(0));
