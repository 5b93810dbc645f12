// The listener's GraphQL operations (sources in *.graphql, original operation names, inventory §4).
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
