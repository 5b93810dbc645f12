/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ButtonType =
  | 'DANGER'
  | 'DEFAULT'
  | 'INFO'
  | 'PRIMARY'
  | 'SUCCESS'
  | 'WARNING';

export type CallbackAction =
  | 'ACTIVATE_GPS_STREAMING'
  | 'SEND_VARIABLE'
  | 'SEND_VARIABLES';

export type LatencyProfile =
  /** Low delay (jitter buffer target 0 ms): what a listener does is heard at once. */
  | 'INTERACTIVE'
  /** Resilient playback (jitter buffer target 200 ms) for jittery networks. */
  | 'ROBUST';

export type PlaceShapeKind =
  /** A centre and a radius in metres. */
  | 'CIRCLE'
  /** A simple ring of 3 to 500 vertices. */
  | 'POLYGON';

export type StreamVariableInput = {
  key: string;
  streamToSc?: boolean | null | undefined;
  streamUuid: string;
  value: string;
};

export type GraphMetaFieldsFragment = { uuid: string, name: string, displayName: string, slugName: string, startText: string, aboutText: string, endText: string, publicVisible: boolean, latencyProfile: LatencyProfile, showPlacesToListeners: boolean };

export type GetGraphsQueryVariables = Exact<{ [key: string]: never; }>;


export type GetGraphsQuery = { graphs: Array<{ uuid: string, name: string, displayName: string, slugName: string, startText: string, aboutText: string, endText: string, publicVisible: boolean, latencyProfile: LatencyProfile, showPlacesToListeners: boolean }> };

export type GetGraphMetaQueryVariables = Exact<{
  slug: string;
}>;


export type GetGraphMetaQuery = { graphs: Array<{ uuid: string, name: string, displayName: string, slugName: string, startText: string, aboutText: string, endText: string, publicVisible: boolean, latencyProfile: LatencyProfile, showPlacesToListeners: boolean }> };

export type GetGraphPlacesQueryVariables = Exact<{
  slug: string;
}>;


export type GetGraphPlacesQuery = { graphs: Array<{ uuid: string, places: Array<{ uuid: string, name: string, kind: PlaceShapeKind, radius: number | null, center: { lat: number, lon: number }, vertices: Array<{ lat: number, lon: number }> }> }> };

export type LiveCodingPointQueryVariables = Exact<{
  keep?: string | null | undefined;
}>;


export type LiveCodingPointQuery = { liveCodingPoint: { uuid: string, janusOutRoom: number, lastLive: string | null, watchTicket: string, watchTicketExpiresAt: string } | null };

export type StreamPointFieldsFragment = { uuid: string, port: number | null, useInput: boolean, janusInRoom: number | null, janusOutRoom: number | null, lastLive: string | null };

export type StreamInfoSubscriptionVariables = Exact<{
  graphUuid: string;
  listenerToken?: string | null | undefined;
}>;


export type StreamInfoSubscription = { streamInfo:
    | { __typename: 'Dialog', title: string, content: Array<
        | { __typename: 'Checkbox', key: string, label: string, checked: boolean, callbackActions: Array<CallbackAction> }
        | { __typename: 'Input', key: string, label: string, placeholder: string }
        | { __typename: 'Text', text: string }
      >, buttons: Array<{ text: string, value: string, key: string, buttonType: ButtonType, callbackActions: Array<CallbackAction> }> }
    | { __typename: 'GraphDeadEnd', error: string }
    | { __typename: 'NoStreamAvailable', error: string }
    | { __typename: 'StreamInfo', listenerToken: string, stream: { uuid: string, streamPoint: { uuid: string, port: number | null, useInput: boolean, janusInRoom: number | null, janusOutRoom: number | null, lastLive: string | null } }, streamInstruction: { uuid: string, state: string } | null }
   };

export type CreateUpdateStreamVariableMutationVariables = Exact<{
  streamVariables: Array<StreamVariableInput> | StreamVariableInput;
  listenerToken?: string | null | undefined;
}>;


export type CreateUpdateStreamVariableMutation = { createUpdateStreamVariable: Array<{ key: string, value: string }> };

export type GetStreamPointsQueryVariables = Exact<{ [key: string]: never; }>;


export type GetStreamPointsQuery = { streamPoints: Array<{ uuid: string, port: number | null, useInput: boolean, janusInRoom: number | null, janusOutRoom: number | null, lastLive: string | null }> };

export type IsAuthenticatedQueryVariables = Exact<{ [key: string]: never; }>;


export type IsAuthenticatedQuery = { isAuthenticated: { username: string } | null };

export type PlaceShapeFieldsFragment = { uuid: string, name: string, kind: PlaceShapeKind, radius: number | null, center: { lat: number, lon: number }, vertices: Array<{ lat: number, lon: number }> };

export const GraphMetaFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GraphMetaFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Graph"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"slugName"}},{"kind":"Field","name":{"kind":"Name","value":"startText"}},{"kind":"Field","name":{"kind":"Name","value":"aboutText"}},{"kind":"Field","name":{"kind":"Name","value":"endText"}},{"kind":"Field","name":{"kind":"Name","value":"publicVisible"}},{"kind":"Field","name":{"kind":"Name","value":"latencyProfile"}},{"kind":"Field","name":{"kind":"Name","value":"showPlacesToListeners"}}]}}]} as unknown as DocumentNode<GraphMetaFieldsFragment, unknown>;
export const StreamPointFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StreamPointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StreamPoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"port"}},{"kind":"Field","name":{"kind":"Name","value":"useInput"}},{"kind":"Field","name":{"kind":"Name","value":"janusInRoom"}},{"kind":"Field","name":{"kind":"Name","value":"janusOutRoom"}},{"kind":"Field","name":{"kind":"Name","value":"lastLive"}}]}}]} as unknown as DocumentNode<StreamPointFieldsFragment, unknown>;
export const PlaceShapeFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PlaceShapeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Place"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"center"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lat"}},{"kind":"Field","name":{"kind":"Name","value":"lon"}}]}},{"kind":"Field","name":{"kind":"Name","value":"radius"}},{"kind":"Field","name":{"kind":"Name","value":"vertices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lat"}},{"kind":"Field","name":{"kind":"Name","value":"lon"}}]}}]}}]} as unknown as DocumentNode<PlaceShapeFieldsFragment, unknown>;
export const GetGraphsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetGraphs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"graphs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GraphMetaFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GraphMetaFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Graph"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"slugName"}},{"kind":"Field","name":{"kind":"Name","value":"startText"}},{"kind":"Field","name":{"kind":"Name","value":"aboutText"}},{"kind":"Field","name":{"kind":"Name","value":"endText"}},{"kind":"Field","name":{"kind":"Name","value":"publicVisible"}},{"kind":"Field","name":{"kind":"Name","value":"latencyProfile"}},{"kind":"Field","name":{"kind":"Name","value":"showPlacesToListeners"}}]}}]} as unknown as DocumentNode<GetGraphsQuery, GetGraphsQueryVariables>;
export const GetGraphMetaDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetGraphMeta"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"graphs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filters"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"slugName"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"exact"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GraphMetaFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GraphMetaFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Graph"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"slugName"}},{"kind":"Field","name":{"kind":"Name","value":"startText"}},{"kind":"Field","name":{"kind":"Name","value":"aboutText"}},{"kind":"Field","name":{"kind":"Name","value":"endText"}},{"kind":"Field","name":{"kind":"Name","value":"publicVisible"}},{"kind":"Field","name":{"kind":"Name","value":"latencyProfile"}},{"kind":"Field","name":{"kind":"Name","value":"showPlacesToListeners"}}]}}]} as unknown as DocumentNode<GetGraphMetaQuery, GetGraphMetaQueryVariables>;
export const GetGraphPlacesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetGraphPlaces"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"graphs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filters"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"slugName"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"exact"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"places"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PlaceShapeFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PlaceShapeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Place"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"center"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lat"}},{"kind":"Field","name":{"kind":"Name","value":"lon"}}]}},{"kind":"Field","name":{"kind":"Name","value":"radius"}},{"kind":"Field","name":{"kind":"Name","value":"vertices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lat"}},{"kind":"Field","name":{"kind":"Name","value":"lon"}}]}}]}}]} as unknown as DocumentNode<GetGraphPlacesQuery, GetGraphPlacesQueryVariables>;
export const LiveCodingPointDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LiveCodingPoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"keep"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"liveCodingPoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"keep"},"value":{"kind":"Variable","name":{"kind":"Name","value":"keep"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"janusOutRoom"}},{"kind":"Field","name":{"kind":"Name","value":"lastLive"}},{"kind":"Field","name":{"kind":"Name","value":"watchTicket"}},{"kind":"Field","name":{"kind":"Name","value":"watchTicketExpiresAt"}}]}}]}}]} as unknown as DocumentNode<LiveCodingPointQuery, LiveCodingPointQueryVariables>;
export const StreamInfoDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"StreamInfo"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"graphUuid"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"listenerToken"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"streamInfo"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"graphUuid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"graphUuid"}}},{"kind":"Argument","name":{"kind":"Name","value":"listenerToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"listenerToken"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StreamInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"listenerToken"}},{"kind":"Field","name":{"kind":"Name","value":"stream"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"streamPoint"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"StreamPointFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"streamInstruction"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Dialog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Text"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Input"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"placeholder"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Checkbox"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"checked"}},{"kind":"Field","name":{"kind":"Name","value":"callbackActions"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"buttons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"buttonType"}},{"kind":"Field","name":{"kind":"Name","value":"callbackActions"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NoStreamAvailable"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"error"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GraphDeadEnd"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StreamPointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StreamPoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"port"}},{"kind":"Field","name":{"kind":"Name","value":"useInput"}},{"kind":"Field","name":{"kind":"Name","value":"janusInRoom"}},{"kind":"Field","name":{"kind":"Name","value":"janusOutRoom"}},{"kind":"Field","name":{"kind":"Name","value":"lastLive"}}]}}]} as unknown as DocumentNode<StreamInfoSubscription, StreamInfoSubscriptionVariables>;
export const CreateUpdateStreamVariableDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateUpdateStreamVariable"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"streamVariables"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StreamVariableInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"listenerToken"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createUpdateStreamVariable"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"streamVariables"},"value":{"kind":"Variable","name":{"kind":"Name","value":"streamVariables"}}},{"kind":"Argument","name":{"kind":"Name","value":"listenerToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"listenerToken"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]} as unknown as DocumentNode<CreateUpdateStreamVariableMutation, CreateUpdateStreamVariableMutationVariables>;
export const GetStreamPointsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetStreamPoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"streamPoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"StreamPointFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StreamPointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StreamPoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"port"}},{"kind":"Field","name":{"kind":"Name","value":"useInput"}},{"kind":"Field","name":{"kind":"Name","value":"janusInRoom"}},{"kind":"Field","name":{"kind":"Name","value":"janusOutRoom"}},{"kind":"Field","name":{"kind":"Name","value":"lastLive"}}]}}]} as unknown as DocumentNode<GetStreamPointsQuery, GetStreamPointsQueryVariables>;
export const IsAuthenticatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IsAuthenticated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"isAuthenticated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}}]}}]}}]} as unknown as DocumentNode<IsAuthenticatedQuery, IsAuthenticatedQueryVariables>;