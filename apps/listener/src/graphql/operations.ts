// The listener's GraphQL operations, with the original operation names (inventory §4).
import { operation } from './client.ts';
import type {
  GraphMeta,
  StreamInfoMessage,
  StreamPointInfo,
  StreamVariableInput,
} from './types.ts';

const streamPointFields =
  'uuid port useInput janusInRoom janusOutRoom janusInPort janusOutPort lastLive';

/** Public graphs for the start page. */
export const getGraphs = operation<{ graphs: GraphMeta[] }>(`
  query GetGraphs {
    graphs { uuid name displayName slugName startText aboutText endText publicVisible }
  }
`);

/** One graph by its slug; an empty list means "not found". */
export const getGraphMeta = operation<{ graphs: GraphMeta[] }, { slug: string }>(`
  query GetGraphMeta($slug: String!) {
    graphs(filters: { slugName: { exact: $slug } }) {
      uuid name displayName slugName startText aboutText endText publicVisible
    }
  }
`);

/** The listener session: stream info, dialogs, "no stream" and the dead end of the graph. */
export const streamInfoSubscription = operation<
  { streamInfo: StreamInfoMessage },
  { graphUuid: string }
>(`
  subscription StreamInfo($graphUuid: UUID!) {
    streamInfo(graphUuid: $graphUuid) {
      __typename
      ... on StreamInfo {
        listenerToken
        stream { uuid streamPoint { ${streamPointFields} } }
        streamInstruction { uuid instructionText state }
      }
      ... on Dialog {
        title
        content {
          __typename
          ... on Text { text }
          ... on Input { key label placeholder }
          ... on Checkbox { key label checked callbackActions }
        }
        buttons { text value key buttonType callbackActions }
      }
      ... on NoStreamAvailable { error }
      ... on GraphDeadEnd { error }
    }
  }
`);

/** Writes stream variables of the listener's own stream (authorised by its listener token). */
export const createUpdateStreamVariable = operation<
  { createUpdateStreamVariable: { key: string; value: string }[] },
  { streamVariables: StreamVariableInput[]; listenerToken: string | null }
>(`
  mutation CreateUpdateStreamVariable($streamVariables: [StreamVariableInput!]!, $listenerToken: String) {
    createUpdateStreamVariable(streamVariables: $streamVariables, listenerToken: $listenerToken) { key value }
  }
`);

/** The logged-in user, or null; the debug page is for editors only. */
export const isAuthenticated = operation<{ isAuthenticated: { username: string } | null }>(`
  query IsAuthenticated { isAuthenticated { username } }
`);

/** Live stream points (debug and random pages). */
export const getStreamPoints = operation<{ streamPoints: StreamPointInfo[] }>(`
  query GetStreamPoints { streamPoints { ${streamPointFields} } }
`);
