import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { GencasterError, toGencasterError } from '@gencaster/domain';
import type { Logger } from 'pino';
import { isAdminOperation, runAdminOperation, type AdminContext } from './admin-operations.ts';
import {
  ADMIN_MAX_MESSAGE_BYTES,
  ADMIN_PROTOCOL_VERSION,
  MAX_SOCKET_PATH_BYTES,
  adminDir,
  adminRequestSchema,
  adminSocketPath,
  type AdminResponse,
} from './admin-protocol.ts';

/** Options of {@link startAdminSocket}. */
export interface AdminSocketOptions {
  dataDir: string;
  context: AdminContext;
  logger: Logger;
  /** Longest time one request may take before the connection is dropped (default 10 min). */
  requestTimeoutMs?: number;
}

/** The listening admin socket; `close()` stops it and removes the socket file. */
export interface AdminSocket extends AsyncDisposable {
  path: string;
  close(): Promise<void>;
}

function reply(socket: Socket, response: AdminResponse): void {
  socket.end(`${JSON.stringify(response)}\n`);
}

function replyError(socket: Socket, error: GencasterError): void {
  reply(socket, {
    v: ADMIN_PROTOCOL_VERSION,
    ok: false,
    error: { code: error.code, message: error.message },
  });
}

/**
 * Makes the admin folder owner-only: created 0700, and an existing one with other bits or another
 * owner is fixed or refused (the file mode is the only gate: Node cannot read SO_PEERCRED).
 */
async function prepareAdminDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if (typeof process.getuid === 'function' && info.uid !== process.getuid())
    throw new GencasterError(
      'FORBIDDEN',
      `${dir} belongs to uid ${info.uid}, not to this user: remove it so the backend can create its own`,
    );
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/**
 * Serves the CLI while the backend holds the embedded database: a Unix socket `admin/admin.sock`
 * (0600, in a 0700 folder of the data dir) taking one JSON request per connection (see
 * admin-protocol.ts) and running it with {@link runAdminOperation} on the backend's own database
 * handle, so the CLI never opens the database files a second time. A request over the size limit,
 * not JSON, or of another protocol version gets a typed INVALID_INPUT answer.
 */
export async function startAdminSocket(options: AdminSocketOptions): Promise<AdminSocket> {
  const path = adminSocketPath(options.dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES)
    throw new GencasterError(
      'INVALID_INPUT',
      `the admin socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes (a Unix socket limit): use a shorter GENCASTER_DATA_DIR`,
    );
  await prepareAdminDir(adminDir(options.dataDir));
  // Whoever holds the data dir lock owns this path: a socket file here is a crashed run's leftover.
  await rm(path, { force: true });
  const log = options.logger;
  const timeoutMs = options.requestTimeoutMs ?? 600_000;

  const handle = (socket: Socket) => {
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    socket.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > ADMIN_MAX_MESSAGE_BYTES) {
        refused = true;
        replyError(
          socket,
          new GencasterError(
            'INVALID_INPUT',
            `admin request larger than ${ADMIN_MAX_MESSAGE_BYTES} bytes`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    socket.on('end', () => {
      if (refused) return;
      void answer(socket, Buffer.concat(chunks).toString('utf8'));
    });
  };

  const answer = async (socket: Socket, text: string) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      replyError(socket, new GencasterError('INVALID_INPUT', 'admin request is not JSON'));
      return;
    }
    const request = adminRequestSchema.safeParse(json);
    if (!request.success) {
      replyError(
        socket,
        new GencasterError(
          'INVALID_INPUT',
          `not an admin request of protocol version ${ADMIN_PROTOCOL_VERSION}: the CLI and the running backend are of different versions; use the same checkout for both`,
        ),
      );
      return;
    }
    const { op, params } = request.data;
    if (!isAdminOperation(op)) {
      replyError(
        socket,
        new GencasterError('INVALID_INPUT', `unknown admin operation "${op.slice(0, 100)}"`),
      );
      return;
    }
    const started = Date.now();
    try {
      const result = await runAdminOperation(options.context, op, params);
      log.info({ op, ms: Date.now() - started }, 'admin request done');
      reply(socket, { v: ADMIN_PROTOCOL_VERSION, ok: true, result });
    } catch (error) {
      const typed = toGencasterError(error);
      log.warn({ op, code: typed.code, ms: Date.now() - started }, 'admin request failed');
      replyError(socket, typed);
    }
  };

  const server: Server = createServer({ allowHalfOpen: true }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o600);
  log.info({ path }, 'admin socket listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => server.close(() => resolve())).then(() =>
      rm(path, { force: true }),
    ));
  return { path, close, [Symbol.asyncDispose]: close };
}
