/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment GraphMetaFields on Graph {\n  uuid\n  name\n  displayName\n  slugName\n  startText\n  aboutText\n  endText\n  publicVisible\n  latencyProfile\n  showPlacesToListeners\n}\n\nquery GetGraphs {\n  graphs {\n    ...GraphMetaFields\n  }\n}\n\nquery GetGraphMeta($slug: String!) {\n  graphs(filters: {slugName: {exact: $slug}}) {\n    ...GraphMetaFields\n  }\n}\n\nquery GetGraphPlaces($slug: String!) {\n  graphs(filters: {slugName: {exact: $slug}}) {\n    uuid\n    places {\n      ...PlaceShapeFields\n    }\n  }\n}": typeof types.GraphMetaFieldsFragmentDoc,
    "query LiveCodingPoint($keep: UUID) {\n  liveCodingPoint(keep: $keep) {\n    uuid\n    janusOutRoom\n    lastLive\n    watchTicket\n    watchTicketExpiresAt\n  }\n}": typeof types.LiveCodingPointDocument,
    "fragment StreamPointFields on StreamPoint {\n  uuid\n  port\n  useInput\n  janusInRoom\n  janusOutRoom\n  lastLive\n}\n\nsubscription StreamInfo($graphUuid: UUID!, $listenerToken: String) {\n  streamInfo(graphUuid: $graphUuid, listenerToken: $listenerToken) {\n    __typename\n    ... on StreamInfo {\n      listenerToken\n      stream {\n        uuid\n        streamPoint {\n          ...StreamPointFields\n        }\n      }\n      streamInstruction {\n        uuid\n        state\n      }\n    }\n    ... on Dialog {\n      title\n      content {\n        __typename\n        ... on Text {\n          text\n        }\n        ... on Input {\n          key\n          label\n          placeholder\n        }\n        ... on Checkbox {\n          key\n          label\n          checked\n          callbackActions\n        }\n      }\n      buttons {\n        text\n        value\n        key\n        buttonType\n        callbackActions\n      }\n    }\n    ... on NoStreamAvailable {\n      error\n    }\n    ... on GraphDeadEnd {\n      error\n    }\n  }\n}\n\nmutation CreateUpdateStreamVariable($streamVariables: [StreamVariableInput!]!, $listenerToken: String) {\n  createUpdateStreamVariable(\n    streamVariables: $streamVariables\n    listenerToken: $listenerToken\n  ) {\n    key\n    value\n  }\n}\n\nquery GetStreamPoints {\n  streamPoints {\n    ...StreamPointFields\n  }\n}\n\nquery IsAuthenticated {\n  isAuthenticated {\n    username\n  }\n}": typeof types.StreamPointFieldsFragmentDoc,
    "fragment PlaceShapeFields on Place {\n  uuid\n  name\n  kind\n  center {\n    lat\n    lon\n  }\n  radius\n  vertices {\n    lat\n    lon\n  }\n}": typeof types.PlaceShapeFieldsFragmentDoc,
};
const documents: Documents = {
    "fragment GraphMetaFields on Graph {\n  uuid\n  name\n  displayName\n  slugName\n  startText\n  aboutText\n  endText\n  publicVisible\n  latencyProfile\n  showPlacesToListeners\n}\n\nquery GetGraphs {\n  graphs {\n    ...GraphMetaFields\n  }\n}\n\nquery GetGraphMeta($slug: String!) {\n  graphs(filters: {slugName: {exact: $slug}}) {\n    ...GraphMetaFields\n  }\n}\n\nquery GetGraphPlaces($slug: String!) {\n  graphs(filters: {slugName: {exact: $slug}}) {\n    uuid\n    places {\n      ...PlaceShapeFields\n    }\n  }\n}": types.GraphMetaFieldsFragmentDoc,
    "query LiveCodingPoint($keep: UUID) {\n  liveCodingPoint(keep: $keep) {\n    uuid\n    janusOutRoom\n    lastLive\n    watchTicket\n    watchTicketExpiresAt\n  }\n}": types.LiveCodingPointDocument,
    "fragment StreamPointFields on StreamPoint {\n  uuid\n  port\n  useInput\n  janusInRoom\n  janusOutRoom\n  lastLive\n}\n\nsubscription StreamInfo($graphUuid: UUID!, $listenerToken: String) {\n  streamInfo(graphUuid: $graphUuid, listenerToken: $listenerToken) {\n    __typename\n    ... on StreamInfo {\n      listenerToken\n      stream {\n        uuid\n        streamPoint {\n          ...StreamPointFields\n        }\n      }\n      streamInstruction {\n        uuid\n        state\n      }\n    }\n    ... on Dialog {\n      title\n      content {\n        __typename\n        ... on Text {\n          text\n        }\n        ... on Input {\n          key\n          label\n          placeholder\n        }\n        ... on Checkbox {\n          key\n          label\n          checked\n          callbackActions\n        }\n      }\n      buttons {\n        text\n        value\n        key\n        buttonType\n        callbackActions\n      }\n    }\n    ... on NoStreamAvailable {\n      error\n    }\n    ... on GraphDeadEnd {\n      error\n    }\n  }\n}\n\nmutation CreateUpdateStreamVariable($streamVariables: [StreamVariableInput!]!, $listenerToken: String) {\n  createUpdateStreamVariable(\n    streamVariables: $streamVariables\n    listenerToken: $listenerToken\n  ) {\n    key\n    value\n  }\n}\n\nquery GetStreamPoints {\n  streamPoints {\n    ...StreamPointFields\n  }\n}\n\nquery IsAuthenticated {\n  isAuthenticated {\n    username\n  }\n}": types.StreamPointFieldsFragmentDoc,
    "fragment PlaceShapeFields on Place {\n  uuid\n  name\n  kind\n  center {\n    lat\n    lon\n  }\n  radius\n  vertices {\n    lat\n    lon\n  }\n}": types.PlaceShapeFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment GraphMetaFields on Graph {\n  uuid\n  name\n  displayName\n  slugName\n  startText\n  aboutText\n  endText\n  publicVisible\n  latencyProfile\n  showPlacesToListeners\n}\n\nquery GetGraphs {\n  graphs {\n    ...GraphMetaFields\n  }\n}\n\nquery GetGraphMeta($slug: String!) {\n  graphs(filters: {slugName: {exact: $slug}}) {\n    ...GraphMetaFields\n  }\n}\n\nquery GetGraphPlaces($slug: String!) {\n  graphs(filters: {slugName: {exact: $slug}}) {\n    uuid\n    places {\n      ...PlaceShapeFields\n    }\n  }\n}"): (typeof documents)["fragment GraphMetaFields on Graph {\n  uuid\n  name\n  displayName\n  slugName\n  startText\n  aboutText\n  endText\n  publicVisible\n  latencyProfile\n  showPlacesToListeners\n}\n\nquery GetGraphs {\n  graphs {\n    ...GraphMetaFields\n  }\n}\n\nquery GetGraphMeta($slug: String!) {\n  graphs(filters: {slugName: {exact: $slug}}) {\n    ...GraphMetaFields\n  }\n}\n\nquery GetGraphPlaces($slug: String!) {\n  graphs(filters: {slugName: {exact: $slug}}) {\n    uuid\n    places {\n      ...PlaceShapeFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LiveCodingPoint($keep: UUID) {\n  liveCodingPoint(keep: $keep) {\n    uuid\n    janusOutRoom\n    lastLive\n    watchTicket\n    watchTicketExpiresAt\n  }\n}"): (typeof documents)["query LiveCodingPoint($keep: UUID) {\n  liveCodingPoint(keep: $keep) {\n    uuid\n    janusOutRoom\n    lastLive\n    watchTicket\n    watchTicketExpiresAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment StreamPointFields on StreamPoint {\n  uuid\n  port\n  useInput\n  janusInRoom\n  janusOutRoom\n  lastLive\n}\n\nsubscription StreamInfo($graphUuid: UUID!, $listenerToken: String) {\n  streamInfo(graphUuid: $graphUuid, listenerToken: $listenerToken) {\n    __typename\n    ... on StreamInfo {\n      listenerToken\n      stream {\n        uuid\n        streamPoint {\n          ...StreamPointFields\n        }\n      }\n      streamInstruction {\n        uuid\n        state\n      }\n    }\n    ... on Dialog {\n      title\n      content {\n        __typename\n        ... on Text {\n          text\n        }\n        ... on Input {\n          key\n          label\n          placeholder\n        }\n        ... on Checkbox {\n          key\n          label\n          checked\n          callbackActions\n        }\n      }\n      buttons {\n        text\n        value\n        key\n        buttonType\n        callbackActions\n      }\n    }\n    ... on NoStreamAvailable {\n      error\n    }\n    ... on GraphDeadEnd {\n      error\n    }\n  }\n}\n\nmutation CreateUpdateStreamVariable($streamVariables: [StreamVariableInput!]!, $listenerToken: String) {\n  createUpdateStreamVariable(\n    streamVariables: $streamVariables\n    listenerToken: $listenerToken\n  ) {\n    key\n    value\n  }\n}\n\nquery GetStreamPoints {\n  streamPoints {\n    ...StreamPointFields\n  }\n}\n\nquery IsAuthenticated {\n  isAuthenticated {\n    username\n  }\n}"): (typeof documents)["fragment StreamPointFields on StreamPoint {\n  uuid\n  port\n  useInput\n  janusInRoom\n  janusOutRoom\n  lastLive\n}\n\nsubscription StreamInfo($graphUuid: UUID!, $listenerToken: String) {\n  streamInfo(graphUuid: $graphUuid, listenerToken: $listenerToken) {\n    __typename\n    ... on StreamInfo {\n      listenerToken\n      stream {\n        uuid\n        streamPoint {\n          ...StreamPointFields\n        }\n      }\n      streamInstruction {\n        uuid\n        state\n      }\n    }\n    ... on Dialog {\n      title\n      content {\n        __typename\n        ... on Text {\n          text\n        }\n        ... on Input {\n          key\n          label\n          placeholder\n        }\n        ... on Checkbox {\n          key\n          label\n          checked\n          callbackActions\n        }\n      }\n      buttons {\n        text\n        value\n        key\n        buttonType\n        callbackActions\n      }\n    }\n    ... on NoStreamAvailable {\n      error\n    }\n    ... on GraphDeadEnd {\n      error\n    }\n  }\n}\n\nmutation CreateUpdateStreamVariable($streamVariables: [StreamVariableInput!]!, $listenerToken: String) {\n  createUpdateStreamVariable(\n    streamVariables: $streamVariables\n    listenerToken: $listenerToken\n  ) {\n    key\n    value\n  }\n}\n\nquery GetStreamPoints {\n  streamPoints {\n    ...StreamPointFields\n  }\n}\n\nquery IsAuthenticated {\n  isAuthenticated {\n    username\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PlaceShapeFields on Place {\n  uuid\n  name\n  kind\n  center {\n    lat\n    lon\n  }\n  radius\n  vertices {\n    lat\n    lon\n  }\n}"): (typeof documents)["fragment PlaceShapeFields on Place {\n  uuid\n  name\n  kind\n  center {\n    lat\n    lon\n  }\n  radius\n  vertices {\n    lat\n    lon\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;