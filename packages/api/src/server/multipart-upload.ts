// The GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec),
// streamed: file parts go straight to temp files with a byte counter, never into memory.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy } from '@fastify/busboy';
import { GencasterError } from '@gencaster/domain';
import { BodyTooLargeError } from './node-http.ts';

/**
 * An uploaded file on disk, shaped like a `File` for the `Upload` scalar (`size`, `arrayBuffer`,
 * `text`, `stream`) plus its `path`, which importers use in place instead of reading it.
 */
export interface DiskUpload {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly path: string;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  stream(): ReadableStream<Uint8Array>;
}

/** What {@link receiveMultipart} read: the operation with its files, and their cleanup. */
export interface ReceivedMultipart {
  operations: unknown;
  dispose(): Promise<void>;
}

/** Options of {@link receiveMultipart}. */
export interface ReceiveMultipartOptions {
  /** Largest single file; past it the request fails with {@link BodyTooLargeError}. */
  maxFileBytes: number;
  /** Largest `operations`/`map` field (the JSON part). */
  maxFieldBytes: number;
  maxFiles: number;
  /** Parent of the per-request temp folder (default: the OS temp dir). */
  tempDir?: string;
}

function diskUpload(path: string, name: string, type: string, size: number): DiskUpload {
  return {
    name,
    type,
    size,
    path,
    arrayBuffer: async () => {
      const data = await readFile(path);
      return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    },
    text: () => readFile(path, 'utf8'),
    stream: () => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
  };
}

function invalid(message: string): GencasterError {
  return new GencasterError('INVALID_INPUT', `multipart request: ${message}`);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(`${what} is not JSON`);
  }
}

/** Puts `value` at a dotted path such as `variables.file` or `variables.files.0`. */
function setPath(target: unknown, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target as Record<string, unknown> | null;
  for (const [index, part] of parts.entries()) {
    if (
      node === null ||
      typeof node !== 'object' ||
      part === '__proto__' ||
      part === 'constructor' ||
      part === 'prototype'
    )
      throw invalid(`map path "${path}" does not exist in operations`);
    if (index === parts.length - 1) {
      // The spec puts null there; browsers that JSON.stringify a File send {} (the editor does).
      const slot = node[part];
      const placeholder =
        slot === null ||
        slot === undefined ||
        (typeof slot === 'object' && !Array.isArray(slot) && Object.keys(slot).length === 0);
      if (!placeholder) throw invalid(`map path "${path}" must point at a null variable (or {})`);
      node[part] = value;
    } else node = node[part] as Record<string, unknown> | null;
  }
}

/**
 * Reads a multipart GraphQL request: `operations` and `map` first (JSON, at most
 * `maxFieldBytes`), then each file streamed into its own temp file and counted; a file over
 * `maxFileBytes` aborts the request at once (BodyTooLargeError, temp files deleted). The returned
 * operations carry {@link DiskUpload}s where the map says. Call `dispose` when the operation is done.
 */
export async function receiveMultipart(
  request: IncomingMessage,
  options: ReceiveMultipartOptions,
): Promise<ReceivedMultipart> {
  const folder = await mkdtemp(join(options.tempDir ?? tmpdir(), 'gencaster-upload-'));
  const dispose = () => rm(folder, { recursive: true, force: true });
  try {
    const operations = await new Promise<unknown>((resolve, reject) => {
      let operationsValue: unknown;
      let map: Record<string, string[]> | undefined;
      const writes: Promise<void>[] = [];
      let failed = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        request.unpipe(busboy);
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      let busboy: InstanceType<typeof Busboy>;
      try {
        busboy = new Busboy({
          headers: request.headers as { 'content-type': string },
          limits: {
            fieldSize: options.maxFieldBytes,
            fileSize: options.maxFileBytes,
            files: options.maxFiles,
            fields: 2,
          },
        });
      } catch {
        reject(invalid('bad content type'));
        return;
      }
      let count = 0;
      busboy.on(
        'field',
        (name: string, value: string, _nameTruncated: boolean, truncated: boolean) => {
          if (truncated) return fail(new BodyTooLargeError(options.maxFieldBytes));
          try {
            if (name === 'operations') operationsValue = parseJson(value, 'operations');
            else if (name === 'map') {
              const parsed = parseJson(value, 'map');
              if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
                throw invalid('map must be an object');
              map = parsed as Record<string, string[]>;
            }
          } catch (error) {
            fail(error);
          }
        },
      );
      busboy.on(
        'file',
        (name: string, stream: Readable, fileName: string, _enc: string, mime: string) => {
          if (operationsValue === undefined || map === undefined) {
            stream.resume();
            return fail(invalid('operations and map must come before the files'));
          }
          const paths = map[name];
          if (!Array.isArray(paths) || paths.length === 0) {
            stream.resume();
            return fail(invalid(`file "${name}" is not in the map`));
          }
          count += 1;
          const path = join(folder, `file-${count}`);
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
          });
          stream.on('limit', () => fail(new BodyTooLargeError(options.maxFileBytes)));
          const target = operationsValue;
          writes.push(
            pipeline(stream, createWriteStream(path, { flags: 'wx', mode: 0o600 })).then(() => {
              if (failed) return;
              const upload = diskUpload(path, fileName || name, mime, size);
              for (const at of paths) setPath(target, String(at), upload);
            }),
          );
        },
      );
      busboy.on('error', (error: unknown) =>
        fail(invalid(String((error as Error)?.message ?? error))),
      );
      busboy.on('finish', () => {
        void Promise.all(writes).then(
          () => {
            if (failed) return;
            if (operationsValue === undefined) return fail(invalid('operations field missing'));
            resolve(operationsValue);
          },
          (error: unknown) => fail(error),
        );
      });
      request.on('aborted', () => fail(invalid('the client aborted the upload')));
      request.pipe(busboy);
    });
    return { operations, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
