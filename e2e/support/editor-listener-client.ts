import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** An anonymous listener session (`streamInfo`) opened from Node, as the listener page does. */
export interface TestListener {
  /** The stream the listener got (after the first StreamInfo). */
  streamUuid: Promise<string>;
  /** Ends the session (`complete`, counted as a leave at once) and closes the socket. */
  leave(): Promise<void>;
}

/** Joins a graph as an anonymous listener over graphql-ws on the backend's /graphql. */
export function joinAsListener(baseUrl: string, graphUuid: string): TestListener {
  const client: Client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  let resolveStream: (uuid: string) => void = () => undefined;
  let rejectStream: (error: Error) => void = () => undefined;
  const streamUuid = new Promise<string>((resolve, reject) => {
    resolveStream = resolve;
    rejectStream = reject;
  });
  const stop = client.subscribe<{
    streamInfo: { __typename: string; stream?: { uuid: string }; error?: string };
  }>(
    {
      query: `subscription ($g: UUID!) { streamInfo(graphUuid: $g) { __typename
        ... on StreamInfo { stream { uuid } } ... on NoStreamAvailable { error } } }`,
      variables: { g: graphUuid },
    },
    {
      next: ({ data }) => {
        const info = data?.streamInfo;
        if (info?.stream) resolveStream(info.stream.uuid);
        else if (info?.__typename === 'NoStreamAvailable')
          rejectStream(new Error(info.error ?? 'no stream'));
      },
      error: (error) => rejectStream(new Error(JSON.stringify(error))),
      complete: () => rejectStream(new Error('session ended')),
    },
  );
  return {
    streamUuid,
    async leave() {
      stop();
      await client.dispose();
    },
  };
}
