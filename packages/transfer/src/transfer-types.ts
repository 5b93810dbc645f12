import type { DbHandle } from '@gencaster/db';

/** What graph export and import need: the database, the media folder and the audio importer. */
export interface TransferEnvironment {
  database: DbHandle;
  /** Root of stored media (AudioFile.file is relative to it); required when audio is involved. */
  mediaRoot: string | undefined;
  /**
   * Decode-validates audio bytes and stores them under a generated name (the API's `audio`
   * service, i.e. `createAudioImporter` of this package); INVALID_INPUT when the bytes are not audio.
   */
  importAudio:
    | ((input: {
        data: Uint8Array;
        fileName: string;
        maxBytes: number;
      }) => Promise<{ uuid: string; file: string }>)
    | undefined;
  /** Largest accepted audio file. */
  maxAudioBytes: number;
}

/** One graph written by an import. */
export interface ImportedGraphReport {
  uuid: string;
  name: string;
  slugName: string;
  /** The name in the imported file (differs from `name` when that was taken). */
  originalName: string;
  nodes: number;
  doors: number;
  cells: number;
  edges: number;
  /** Places (issue 19; 0 for version-1 archives and original dumps). */
  places: number;
}

/** Records of one kind that an import left out, and why. */
export interface ImportSkip {
  what: string;
  count: number;
  reason: string;
}

/** What an import did: graphs created, audio files, skipped records and warnings. */
export interface ImportReport {
  format: 'gencaster-graph' | 'django-dumpdata';
  graphs: ImportedGraphReport[];
  audioFiles: { imported: number; missing: number };
  skipped: ImportSkip[];
  warnings: string[];
}
