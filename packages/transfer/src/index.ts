// Graph transfer: export/import archives and the original Gencaster dump (used by the GraphQL
// schema in packages/api `schema/graph-transfer.ts` and by the backend CLI).
export {
  graphArchiveFormat,
  graphArchiveVersion,
  graphArchiveSchema,
  type GraphArchive,
} from './archive-schema.ts';
export { exportGraphArchive, serializeGraphArchive, graphArchiveFileName } from './export-graph.ts';
export { importGraphArchive, parseGraphArchive } from './import-archive.ts';
export {
  convertDjangoDump,
  type ConvertedDump,
  type DumpAudioFile,
} from './convert-django-dump.ts';
export { importDjangoDump, type DjangoDumpImportOptions } from './import-django-dump.ts';
export { importGraphFile, readGraphFile, type GraphFileKind } from './import-graph-file.ts';
export {
  createAudioImporter,
  incomingAudioFolder,
  publishAudio,
  type AudioImporter,
  type AudioImporterOptions,
  type AudioUpload,
} from './audio-importer.ts';
export type {
  TransferEnvironment,
  ImportReport,
  ImportedGraphReport,
  ImportSkip,
} from './transfer-types.ts';
