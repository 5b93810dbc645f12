import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wasm': 'application/wasm',
};

export interface StaticSiteOptions {
  /** Folder with the built files. */
  dir: string;
  /** URL prefix the site is mounted at, e.g. `/editor/`. */
  basePath: string;
  /** Serve `index.html` for unknown paths (single-page apps with client-side routes). */
  spaFallback: boolean;
}

/**
 * Serves files below `dir` for GET/HEAD requests under `basePath`. Paths are normalised and must
 * stay inside `dir`, so `..` tricks get a 404. Returns false when the request is not for this site.
 */
export function createStaticSite(options: StaticSiteOptions) {
  const root = normalize(options.dir + sep);
  return function serve(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
  ): boolean {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (!pathname.startsWith(options.basePath) && pathname !== options.basePath.replace(/\/$/, ''))
      return false;
    if (!existsSync(root)) return false;
    const relative = decodeURIComponent(pathname.slice(options.basePath.length)).replace(
      /^\/+/,
      '',
    );
    let file = normalize(join(root, relative));
    if (!file.startsWith(root)) return notFound(response);
    if (!isFile(file)) {
      if (!options.spaFallback || extname(relative) !== '') return notFound(response);
      file = join(root, 'index.html');
      if (!isFile(file)) return notFound(response);
    }
    const type = contentTypes[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${sep}assets${sep}`);
    response.writeHead(200, {
      'content-type': type,
      'content-length': statSync(file).size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
    return true;
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function notFound(response: ServerResponse): true {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  return true;
}
