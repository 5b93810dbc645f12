// The local cluster's PostgreSQL: the same throwaway server the test harness starts (initdb in a
// temp dir, free port, trust auth, fsync off), under the names the cluster code uses.
import {
  postgresUnavailableReason,
  startPostgresServer,
  type PostgresServer,
} from '@gencaster/db/testing';

/** A throwaway PostgreSQL 15 server on 127.0.0.1 (test data only); see `PostgresServer`. */
export type LocalPostgres = PostgresServer;

/** Why a local PostgreSQL cannot start here, or undefined. */
export const localPostgresUnavailable = postgresUnavailableReason;

/** Starts PostgreSQL 15 in a fresh temp dir on a free port. */
export const startLocalPostgres = startPostgresServer;
