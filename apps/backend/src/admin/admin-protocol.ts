import { join } from 'node:path';
import { errorCodes, type ErrorCode } from '@gencaster/domain';
import { z } from 'zod';

/**
 * The admin channel: one JSON request per connection (the client half-closes after writing it),
 * one JSON response back, then the server closes. Version 1.
 *
 *   request  {"v":1,"op":"user.add","params":{…}}
 *   response {"v":1,"ok":true,"result":{"lines":[…],"archive"?:"…"}}
 *          | {"v":1,"ok":false,"error":{"code":"CONFLICT","message":"…"}}
 */
export const ADMIN_PROTOCOL_VERSION = 1;

/** Largest request or response: a graph archive with its inline audio fits, a flood does not. */
export const ADMIN_MAX_MESSAGE_BYTES = 384 * 1024 * 1024;

/** Folder (0700) and socket (0600) of the admin channel inside the data dir. */
export const ADMIN_DIR_NAME = 'admin';
export const ADMIN_SOCKET_NAME = 'admin.sock';

/** Path of the admin folder of a data dir. */
export function adminDir(dataDir: string): string {
  return join(dataDir, ADMIN_DIR_NAME);
}

/** Path of the admin socket of a data dir. */
export function adminSocketPath(dataDir: string): string {
  return join(adminDir(dataDir), ADMIN_SOCKET_NAME);
}

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

/** A request as sent over the socket. */
export const adminRequestSchema = z.object({
  v: z.literal(ADMIN_PROTOCOL_VERSION),
  op: z.string().min(1).max(100),
  params: z.unknown(),
});
export type AdminRequest = z.infer<typeof adminRequestSchema>;

const errorCodeSchema = z.enum(errorCodes as unknown as [ErrorCode, ...ErrorCode[]]);

/** A response as sent over the socket. */
export const adminResponseSchema = z.discriminatedUnion('ok', [
  z.object({
    v: z.literal(ADMIN_PROTOCOL_VERSION),
    ok: z.literal(true),
    result: z.object({
      lines: z.array(z.string()),
      archive: z.string().optional(),
      file: z.string().optional(),
    }),
  }),
  z.object({
    v: z.literal(ADMIN_PROTOCOL_VERSION),
    ok: z.literal(false),
    error: z.object({ code: errorCodeSchema, message: z.string() }),
  }),
]);
export type AdminResponse = z.infer<typeof adminResponseSchema>;
