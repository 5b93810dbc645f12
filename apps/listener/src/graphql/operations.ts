// The listener's GraphQL operations (sources in *.graphql, with the original clients' operation names so old and new clients send the same operations).
export {
  CreateUpdateStreamVariableDocument as createUpdateStreamVariable,
  GetGraphMetaDocument as getGraphMeta,
  GetGraphPlacesDocument as getGraphPlaces,
  GetGraphsDocument as getGraphs,
  GetStreamPointsDocument as getStreamPoints,
  IsAuthenticatedDocument as isAuthenticated,
  LiveCodingPointDocument as liveCodingPoint,
  StreamInfoDocument as streamInfoSubscription,
} from './generated/graphql.ts';
