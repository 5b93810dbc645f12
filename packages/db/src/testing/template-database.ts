/** Name of the migrated template database that PostgreSQL test databases are copied from. */
export const TEMPLATE_DATABASE = 'gencaster_test_template';

/** `url` with its database name replaced. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
