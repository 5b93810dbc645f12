// Public surface of @gencaster/api: the GraphQL server (HTTP + WebSocket) over the live runtime
// (`@gencaster/live`), its schema, auth and the one error table.
export {
  createApiServer,
  type ApiServer,
  type ApiServerOptions,
  type ApiLogger,
} from './server/api-server.ts';
export type { ResolvedApiOptions, ApiRuntime } from './server/runtime.ts';
export type { ApiServices } from './server/services.ts';
export type { ApiContext } from './server/context.ts';
export type { Viewer } from './auth/viewer.ts';
export { buildApiSchema, printApiSchema } from './schema/build-schema.ts';
export { schemaFilePath } from './schema/schema-file.ts';
export type { SyntaxProblem } from './schema/code-check.ts';
export type {
  DialogShape,
  ButtonShape,
  TextShape,
  InputShape,
  CheckboxShape,
} from './schema/types-dialog.ts';
export { clientErrorJson, errorResponse, errorTable } from './errors/error-table.ts';
export { csrfHeaderName } from './auth/guards.ts';
export { sessionCookieName } from './auth/cookies.ts';
