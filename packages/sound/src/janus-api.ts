import { randomUUID } from 'node:crypto';

/** Body of a plugin's synchronous reply (`plugindata.data`). */
export type JanusPluginData = Record<string, unknown>;

/** A plugin handle on a fresh Janus session, for synchronous requests (create, info, list…). */
export interface JanusPluginHandle {
  request(body: Record<string, unknown>): Promise<JanusPluginData>;
  /** Destroys the session. */
  close(): Promise<void>;
}

/** Error returned by Janus core or a plugin. */
export class JanusApiError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
    this.name = 'JanusApiError';
  }
}

interface JanusReply {
  janus: string;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { data?: JanusPluginData };
}

/** POSTs one Janus HTTP API message and returns the parsed reply; throws on `janus: "error"`. */
export async function janusPost(
  url: string,
  body: Record<string, unknown>,
  apiSecret: string,
  timeoutMs = 5000,
): Promise<JanusReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, transaction: randomUUID(), apisecret: apiSecret }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const reply = (await response.json()) as JanusReply;
  if (reply.janus === 'error') {
    throw new JanusApiError(
      `janus ${String(body.janus)}: ${reply.error?.reason ?? 'error'}`,
      reply.error?.code,
    );
  }
  return reply;
}

/** `GET <base>/info` — answers once Janus' HTTP transport is up. */
export async function janusInfo(
  baseUrl: string,
  timeoutMs = 2000,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/info`, { signal: AbortSignal.timeout(timeoutMs) });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Opens a session and attaches `plugin` (e.g. `janus.plugin.streaming`) over the HTTP API.
 * Plugin-level failures (`error_code` in the reply) are thrown as {@link JanusApiError}.
 */
export async function openJanusPlugin(
  baseUrl: string,
  plugin: string,
  apiSecret: string,
): Promise<JanusPluginHandle> {
  const session = await janusPost(baseUrl, { janus: 'create' }, apiSecret);
  const sessionUrl = `${baseUrl}/${session.data?.id}`;
  const handle = await janusPost(sessionUrl, { janus: 'attach', plugin }, apiSecret);
  const handleUrl = `${sessionUrl}/${handle.data?.id}`;
  return {
    async request(body) {
      const reply = await janusPost(handleUrl, { janus: 'message', body }, apiSecret);
      const data = reply.plugindata?.data ?? {};
      if (typeof data.error_code === 'number') {
        throw new JanusApiError(
          `${plugin} ${String(body.request)}: ${String(data.error)}`,
          data.error_code,
        );
      }
      return data;
    },
    async close() {
      await janusPost(sessionUrl, { janus: 'destroy' }, apiSecret).catch(() => undefined);
    },
  };
}

/** Runs `fn` with a plugin handle and always closes the session. */
export async function withJanusPlugin<T>(
  baseUrl: string,
  plugin: string,
  apiSecret: string,
  fn: (handle: JanusPluginHandle) => Promise<T>,
): Promise<T> {
  const handle = await openJanusPlugin(baseUrl, plugin, apiSecret);
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}
