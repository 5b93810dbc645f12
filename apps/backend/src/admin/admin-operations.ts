import {
  createAudioImporter,
  exportGraphArchive,
  graphArchiveFileName,
  importGraphFile,
  serializeGraphArchive,
  type ImportReport,
  type TransferEnvironment,
} from '@gencaster/transfer';
import {
  createSession,
  createUser,
  findGraphBySlug,
  findUserByUsername,
  listGraphs,
  listUsers,
  type Database,
  pingDatabase,
} from '@gencaster/db';
import { GencasterError, userRoles } from '@gencaster/domain';
import { z } from 'zod';

/** Same bound as uploads through the editor. */
const maxAudioBytes = 256 * 1024 * 1024;

/** What an operation runs against: the open database and the media folder of the data dir. */
export interface AdminContext {
  database: Database;
  mediaRoot: string;
}

/** What an operation answers: the lines the CLI prints, and for an export the archive text. */
export interface AdminResult {
  lines: string[];
  archive?: string;
  /** For an export: the file the CLI writes the archive to. */
  file?: string;
}

const operationSchemas = {
  ping: z.object({}).strict(),
  'user.add': z
    .object({
      username: z.string().min(1).max(150),
      role: z.enum(userRoles),
      password: z.string().min(1).max(1024),
      printPassword: z.boolean(),
    })
    .strict(),
  'user.list': z.object({}).strict(),
  'token.create': z
    .object({
      username: z.string().min(1).max(150),
      name: z.string().min(1).max(200),
      days: z.number().min(0).max(36_500),
    })
    .strict(),
  'graph.list': z.object({}).strict(),
  'graph.export': z
    .object({ slug: z.string().min(1).max(500), file: z.string().min(1).max(4096).optional() })
    .strict(),
  'graph.import': z
    .object({ text: z.string(), mediaDir: z.string().max(4096).optional() })
    .strict(),
} as const;

/** The names of every admin operation (the CLI's commands that need the database). */
export type AdminOperation = keyof typeof operationSchemas;
/** The parameters of one operation. */
export type AdminParams<Op extends AdminOperation> = z.infer<(typeof operationSchemas)[Op]>;

/** True when `name` is an operation this version knows. */
export function isAdminOperation(name: string): name is AdminOperation {
  return Object.hasOwn(operationSchemas, name);
}

/** The import report as lines for a terminal. */
export function formatImportReport(report: ImportReport): string[] {
  const lines = [`format: ${report.format}`];
  for (const g of report.graphs) {
    const renamed = g.name === g.originalName ? '' : ` (was "${g.originalName}")`;
    lines.push(
      `imported "${g.name}"${renamed} as /${g.slugName}: ${g.nodes} nodes, ${g.doors} doors, ${g.cells} cells, ${g.edges} edges`,
    );
  }
  lines.push(
    `audio files: ${report.audioFiles.imported} imported, ${report.audioFiles.missing} without sound`,
  );
  for (const s of report.skipped) lines.push(`skipped ${s.count} × ${s.what}: ${s.reason}`);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines;
}

function transferEnvironment(context: AdminContext): TransferEnvironment {
  const importer = createAudioImporter({ mediaRoot: context.mediaRoot });
  return {
    database: context.database,
    mediaRoot: context.mediaRoot,
    importAudio: (input) => importer.importAudioFile(input),
    maxAudioBytes,
  };
}

type Handlers = {
  [Op in AdminOperation]: (context: AdminContext, params: AdminParams<Op>) => Promise<AdminResult>;
};

const handlers: Handlers = {
  ping: async ({ database }) => {
    await pingDatabase(database);
    return { lines: [`${database.engine} answers`] };
  },
  'user.add': async ({ database }, { username, role, password, printPassword }) => {
    const created = await createUser(database, { username, password, role });
    const lines = [`created ${created.role} "${created.username}"`];
    if (printPassword) lines.push(`password: ${password}`);
    return { lines };
  },
  'user.list': async ({ database }) => {
    const users = await listUsers(database);
    if (users.length === 0)
      return { lines: ['no accounts yet: gencaster user add <name> --role admin'] };
    return {
      lines: users.map(
        (row) => `${row.username}\t${row.role}\t${row.isActive ? 'active' : 'inactive'}`,
      ),
    };
  },
  'token.create': async ({ database }, { username, name, days }) => {
    const owner = await findUserByUsername(database, username);
    if (!owner)
      throw new GencasterError(
        'NOT_FOUND',
        `no account "${username}": create it with gencaster user add ${username}`,
      );
    const { token } = await createSession(database, {
      userUuid: owner.uuid,
      kind: 'api_token',
      name,
      ttlMs: days > 0 ? days * 86_400_000 : null,
    });
    return { lines: [token] };
  },
  'graph.list': async ({ database }) => {
    const graphs = await listGraphs(database);
    if (graphs.length === 0) return { lines: ['no graphs yet'] };
    return {
      lines: graphs.map(
        (g) => `${g.slugName}\t${g.name}\t${g.publicVisible ? 'public' : 'hidden'}`,
      ),
    };
  },
  'graph.export': async (context, { slug, file }) => {
    const found = await findGraphBySlug(context.database, slug);
    if (!found)
      throw new GencasterError(
        'NOT_FOUND',
        `no graph with slug "${slug}": see gencaster graph list`,
      );
    const archive = await exportGraphArchive(transferEnvironment(context), found.uuid);
    file ??= graphArchiveFileName(slug);
    return {
      file,
      lines: [
        `exported "${found.name}" (${archive.nodes.length} nodes, ${archive.audioFiles.length} audio files) to ${file}`,
      ],
      archive: serializeGraphArchive(archive),
    };
  },
  'graph.import': async (context, { text, mediaDir }) => {
    const report = await importGraphFile(transferEnvironment(context), text, {
      ...(mediaDir ? { mediaDir } : {}),
    });
    return { lines: formatImportReport(report) };
  },
};

/**
 * Validates `params` for `operation` and runs it. The same function serves the CLI on a database it
 * opened itself and the running backend answering on its admin socket, so both print the same.
 * Bad parameters give INVALID_INPUT; failures keep their GencasterError code.
 */
export async function runAdminOperation(
  context: AdminContext,
  operation: AdminOperation,
  params: unknown,
): Promise<AdminResult> {
  const parsed = operationSchemas[operation].safeParse(params);
  if (!parsed.success)
    throw new GencasterError(
      'INVALID_INPUT',
      `bad parameters for ${operation}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  const handler = handlers[operation] as (
    context: AdminContext,
    params: unknown,
  ) => Promise<AdminResult>;
  return handler(context, parsed.data);
}
