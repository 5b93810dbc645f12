import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  countAccounts,
  createUser,
  lockFirstAdminSetup,
  withTransaction,
  type Database,
} from '@gencaster/db';
import { GencasterError, type User } from '@gencaster/domain';

/** Owner-only file in the data dir holding the one-time setup token while no account exists. */
export const SETUP_TOKEN_FILE = 'editor-setup-token';

/** Path of the editor page that takes the token (under the backend's URL). */
export const SETUP_PAGE_PATH = '/editor/setup';

/** The account `GENCASTER_ADMIN_USER` / `GENCASTER_ADMIN_PASSWORD` ask for. */
export interface UnattendedAdmin {
  username: string;
  password: string;
}

/** Options of {@link prepareFirstAdmin}. */
export interface PrepareFirstAdminOptions {
  database: Database;
  dataDir: string;
  unattended?: UnattendedAdmin | undefined;
}

/** What {@link prepareFirstAdmin} did: nothing, created the unattended admin, or opened setup. */
export type FirstAdminState =
  | { kind: 'accounts exist' }
  | { kind: 'created'; username: string }
  | { kind: 'setup open'; token: string };

function tokenPath(dataDir: string): string {
  return join(dataDir, SETUP_TOKEN_FILE);
}

/** Reads the stored setup token, or undefined when setup is closed (no file). */
export async function readSetupToken(dataDir: string): Promise<string | undefined> {
  try {
    const text = (await readFile(tokenPath(dataDir), 'utf8')).trim();
    return text.length >= 32 ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates an account only while none exists, serialised by an advisory lock so two setups racing
 * (or two backends on one PostgreSQL) cannot both succeed. CONFLICT once any account exists.
 */
export async function createFirstAdmin(database: Database, admin: UnattendedAdmin): Promise<User> {
  return withTransaction(database, async (tx) => {
    await lockFirstAdminSetup(tx);
    if ((await countAccounts(tx)) > 0)
      throw new GencasterError(
        'CONFLICT',
        'an account exists already: the first-admin setup is closed; log in, or add accounts with gencaster user add',
      );
    return createUser(tx, { ...admin, role: 'admin' });
  });
}

/**
 * Makes sure the first admin can get in without a second terminal. On a database without
 * accounts: with `unattended` set, creates that admin; otherwise keeps (or creates) a one-time
 * random setup token in `<dataDir>/editor-setup-token` (0600) for the editor's setup page, valid
 * until it is used. With accounts: removes a leftover token file, so setup stays closed.
 */
export async function prepareFirstAdmin(
  options: PrepareFirstAdminOptions,
): Promise<FirstAdminState> {
  const path = tokenPath(options.dataDir);
  if ((await countAccounts(options.database)) > 0) {
    await rm(path, { force: true });
    return { kind: 'accounts exist' };
  }
  if (options.unattended) {
    const user = await createFirstAdmin(options.database, options.unattended);
    await rm(path, { force: true });
    return { kind: 'created', username: user.username };
  }
  const existing = await readSetupToken(options.dataDir);
  if (existing) return { kind: 'setup open', token: existing };
  const token = randomBytes(32).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'w' });
  return { kind: 'setup open', token };
}

/** Compares a given token with the stored one in constant time (both hashed to 32 bytes first). */
export function setupTokenMatches(given: string, stored: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(stored).digest();
  return timingSafeEqual(a, b);
}

/** Options of {@link completeFirstAdminSetup}. */
export interface CompleteSetupOptions {
  database: Database;
  dataDir: string;
  token: string;
  username: string;
  password: string;
}

/**
 * Uses the setup token: FORBIDDEN for a wrong token or when setup is closed (no token file),
 * CONFLICT once an account exists, INVALID_INPUT for a bad name or password; on success the admin
 * exists and the token file is gone (the link works once).
 */
export async function completeFirstAdminSetup(options: CompleteSetupOptions): Promise<User> {
  const stored = await readSetupToken(options.dataDir);
  if (stored === undefined || !setupTokenMatches(options.token, stored))
    throw new GencasterError(
      'FORBIDDEN',
      'this setup link is not valid (already used, or from another start): log in, or create an account with gencaster user add <name> --role admin',
    );
  const user = await createFirstAdmin(options.database, {
    username: options.username,
    password: options.password,
  });
  await rm(tokenPath(options.dataDir), { force: true });
  return user;
}
