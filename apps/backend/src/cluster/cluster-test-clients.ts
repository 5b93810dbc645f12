// Test clients for cluster tests: a listener that behaves like the listener app (graphql-ws with
// retries, re-subscribing with its listener token), GraphQL over HTTP, bounded waiting.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** One `streamInfo` message as the tests read it. */
export interface StreamInfoMessage {
  __typename: string;
  listenerToken?: string;
  stream?: { uuid: string };
  streamInstruction?: { uuid: string; instructionText: string } | null;
  error?: string;
}

const streamInfoQuery = `subscription ($graphUuid: UUID!, $listenerToken: String) {
  streamInfo(graphUuid: $graphUuid, listenerToken: $listenerToken) {
    __typename
    ... on StreamInfo { listenerToken stream { uuid } streamInstruction { uuid instructionText } }
    ... on GraphDeadEnd { error }
    ... on NoStreamAvailable { error }
  }
}`;

/** Polls `probe` every 200 ms until it returns a value (not undefined), at most `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${String(lastError)})`);
}

/** A listener session; `url.current` is where (re)connections go, like a proxy address. */
export interface TestListener {
  messages: StreamInfoMessage[];
  /** Number of WebSocket connections opened so far. */
  connections(): number;
  token(): string | undefined;
  streamUuid(): string | undefined;
  dispose(): Promise<void>;
}

/**
 * Opens `streamInfo` like the listener app: graphql-ws retries on any close (1012 drain, 1006
 * crash) and re-sends the same variables object, which carries the listener token once known.
 */
export function openTestListener(url: { current: string }, graphUuid: string): TestListener {
  let connections = 0;
  const client: Client = createClient({
    url: () => `${url.current.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 60,
    shouldRetry: () => true,
    retryWait: () => new Promise((done) => setTimeout(done, 300)),
    on: { connected: () => (connections += 1) },
  });
  const messages: StreamInfoMessage[] = [];
  const variables: { graphUuid: string; listenerToken: string | null } = {
    graphUuid,
    listenerToken: null,
  };
  let token: string | undefined;
  let streamUuid: string | undefined;
  const unsubscribe = client.subscribe<{ streamInfo: StreamInfoMessage }>(
    { query: streamInfoQuery, variables },
    {
      next: (result) => {
        const message = result.data?.streamInfo;
        if (!message) return;
        messages.push(message);
        if (message.__typename === 'StreamInfo') {
          token = message.listenerToken;
          streamUuid = message.stream?.uuid;
          variables.listenerToken = token ?? null;
        }
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return {
    messages,
    connections: () => connections,
    token: () => token,
    streamUuid: () => streamUuid,
    async dispose() {
      unsubscribe();
      await client.dispose();
    },
  };
}

/** Result of {@link graphqlRequest}. */
export interface GraphqlResult {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One GraphQL request over HTTP (bounded by a 10 s timeout). */
export async function graphqlRequest(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  bearer?: string,
): Promise<GraphqlResult> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as Omit<GraphqlResult, 'status'>;
  return { status: response.status, ...body };
}
