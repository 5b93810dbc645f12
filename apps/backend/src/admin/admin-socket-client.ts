import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { GencasterError } from '@gencaster/domain';
import type { AdminOperation, AdminResult } from './admin-operations.ts';
import {
  ADMIN_MAX_MESSAGE_BYTES,
  ADMIN_PROTOCOL_VERSION,
  adminResponseSchema,
} from './admin-protocol.ts';

/** Options of {@link callAdminSocket}. */
export interface CallAdminSocketOptions {
  path: string;
  operation: AdminOperation;
  params: unknown;
  /** Who should be listening there, for error messages (e.g. "the backend, pid 123"). */
  serverName?: string;
  /** Give up after this long (default 10 min: an import of a large archive takes a while). */
  timeoutMs?: number;
}

/** Raised when nothing listens on the socket (ENOENT/ECONNREFUSED): the caller may retry. */
export class AdminSocketNotListening extends Error {
  override readonly name = 'AdminSocketNotListening';
}

/**
 * Refuses to send anything (passwords included) to a socket in a folder other users could have
 * planted it in: the admin folder must be ours and 0700.
 */
function checkOwnerOnly(path: string): void {
  let info;
  try {
    info = statSync(dirname(path));
  } catch {
    throw new AdminSocketNotListening(`${path} does not exist`);
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : info.uid;
  if (info.uid !== uid || (info.mode & 0o077) !== 0)
    throw new GencasterError(
      'FORBIDDEN',
      `${dirname(path)} is not owner-only (uid ${info.uid}, mode ${(info.mode & 0o777).toString(8)}): ` +
        'refusing to talk to an admin socket others could have made; restart the backend, it fixes the folder',
    );
}

function garbage(path: string, serverName: string, detail: string): GencasterError {
  return new GencasterError(
    'UNAVAILABLE',
    `the admin socket ${path} answered something that is not a Gencaster admin response (${detail}). ` +
      `It should be ${serverName}: check that process, restart it, and use the CLI of the same checkout`,
  );
}

/**
 * Sends one request to a running backend's admin socket and returns its result; the backend's
 * typed refusals come back as GencasterErrors with the same code and message. A socket that
 * answers garbage, too much or nothing gives UNAVAILABLE saying what to check.
 */
export function callAdminSocket(options: CallAdminSocketOptions): Promise<AdminResult> {
  const { path } = options;
  const serverName = options.serverName ?? 'a running gencaster backend';
  checkOwnerOnly(path);
  return new Promise<AdminResult>((resolve, reject) => {
    const socket = connect({ path, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(options.timeoutMs ?? 600_000, () =>
      fail(
        new GencasterError(
          'TIMEOUT',
          `${serverName} did not answer on ${path} in time; check its log, or retry`,
        ),
      ),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')
        fail(new AdminSocketNotListening(`nothing listens on ${path}`));
      else
        fail(
          new GencasterError('UNAVAILABLE', `admin socket ${path}: ${error.message}`, {
            cause: error,
          }),
        );
    });
    socket.on('connect', () => {
      socket.end(
        JSON.stringify({
          v: ADMIN_PROTOCOL_VERSION,
          op: options.operation,
          params: options.params,
        }),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > ADMIN_MAX_MESSAGE_BYTES)
        fail(garbage(path, serverName, `more than ${ADMIN_MAX_MESSAGE_BYTES} bytes`));
      else chunks.push(chunk);
    });
    socket.on('end', () => {
      if (settled) return;
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        fail(
          garbage(
            path,
            serverName,
            text.length === 0
              ? 'it closed without an answer'
              : `not JSON: ${JSON.stringify(text.slice(0, 60))}`,
          ),
        );
        return;
      }
      const response = adminResponseSchema.safeParse(json);
      if (!response.success) {
        fail(garbage(path, serverName, 'JSON of another shape or protocol version'));
        return;
      }
      settled = true;
      socket.destroy();
      if (response.data.ok) resolve(response.data.result);
      else reject(new GencasterError(response.data.error.code, response.data.error.message));
    });
  });
}
