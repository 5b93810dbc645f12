// Test support: GraphQL clients of a child backend — a graph with its entry node, and a listener
// session that waits at that node (its stream and listener token) over graphql-ws.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { graphql } from './backend-process.ts';

/** Adds a graph named `slug` (as an editor with `cookie`); its uuid and entry node. */
export async function addGraphWithEntry(url: string, cookie: string, slug: string) {
  const added = await graphql<{ addGraph: { uuid: string } }>(
    url,
    'mutation ($i: AddGraphInput!) { addGraph(graphInput: $i) { uuid } }',
    {
      i: {
        name: slug,
        displayName: slug,
        slugName: slug,
        streamAssignmentPolicy: 'ONE_USER_ONE_STREAM',
        templateName: 'DEFAULT',
      },
    },
    { cookie },
  );
  const uuid = added.data?.addGraph.uuid;
  if (!uuid) throw new Error(JSON.stringify(added.errors));
  const detail = await graphql<{ graph: { nodes: { uuid: string; isEntryNode: boolean }[] } }>(
    url,
    'query ($pk: ID!) { graph(pk: $pk) { nodes { uuid isEntryNode } } }',
    { pk: uuid },
    { cookie },
  );
  const entryNode = detail.data?.graph.nodes.find((node) => node.isEntryNode)?.uuid;
  if (!entryNode) throw new Error('no entry node');
  return { uuid, entryNode };
}

/** A listener on a new graph `slug` that waits at its entry node: its stream and token. */
export async function openWaitingListener(url: string, cookie: string, slug: string) {
  const { uuid: graphUuid, entryNode: entry } = await addGraphWithEntry(url, cookie, slug);
  const cell = await graphql(
    url,
    'mutation ($node: UUID!, $cells: [ScriptCellInputCreate!]!) { createScriptCells(nodeUuid: $node, scriptCellInputs: $cells) { uuid } }',
    { node: entry, cells: [{ cellType: 'PYTHON', cellCode: 'await asyncio.sleep(600)' }] },
    { cookie },
  );
  if (cell.errors) throw new Error(JSON.stringify(cell.errors));
  const client: Client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  const info = await new Promise<{ streamUuid: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no StreamInfo within 60 s')), 60_000);
    client.subscribe<{
      streamInfo: { __typename: string; listenerToken?: string; stream?: { uuid: string } };
    }>(
      {
        query:
          'subscription ($g: UUID!) { streamInfo(graphUuid: $g) { __typename ... on StreamInfo { listenerToken stream { uuid } } ... on NoStreamAvailable { error } } }',
        variables: { g: graphUuid },
      },
      {
        next: ({ data }) => {
          const message = data?.streamInfo;
          if (message?.__typename === 'StreamInfo' && message.stream && message.listenerToken) {
            clearTimeout(timer);
            resolve({ streamUuid: message.stream.uuid, token: message.listenerToken });
          } else if (message) reject(new Error(`listener got ${message.__typename}`));
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => undefined,
      },
    );
  });
  return { ...info, client };
}
