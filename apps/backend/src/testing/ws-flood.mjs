// Child process for the public-edge test: opens many graphql-transport-ws connections at once and
// subscribes each, in another process, so that the attack's client work does not slow the backend
// under test (which runs in the test process) and /health timings measure the server.
// Input: argv[2] is JSON { wsUrl, localAddress?, count, query, variables }. Output (IPC): one outcome per connection:
// the error code of the refusal, 'NEXT' for a result, 'UPGRADE_<status>:<code>' for a refused
// handshake or 'CLOSE_<code>'.
import WebSocket from 'ws';

const { wsUrl, localAddress, count, query, variables } = JSON.parse(process.argv[2]);

function attack() {
  return new Promise((resolve) => {
    let settled = false;
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { localAddress });
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
      socket.terminate();
    };
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk.toString()));
      response.on('end', () => {
        let code = 'none';
        try {
          code = JSON.parse(body).errors[0].extensions.code;
        } catch {
          // not JSON
        }
        finish(`UPGRADE_${response.statusCode}:${code}`);
      });
    });
    socket.on('error', () => finish('SOCKET_ERROR'));
    socket.on('close', (code) => finish(`CLOSE_${code}`));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === 'connection_ack')
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
      else if (message.type === 'error') finish(message.payload?.[0]?.extensions?.code ?? 'ERROR');
      else if (message.type === 'next')
        finish(message.payload?.errors?.[0]?.extensions?.code ?? 'NEXT');
    });
  });
}

// Started ahead of time (a Node start costs CPU the measurement must not see): go on 'go'.
process.send('ready');
await new Promise((resolve) => process.once('message', resolve));
const started = Date.now();
const outcomes = await Promise.all(Array.from({ length: count }, () => attack()));
process.send({ outcomes, ms: Date.now() - started }, () => process.exit(0));
