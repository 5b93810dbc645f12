import { initialSchema } from './0001-initial.ts';
import { instructionTransitionGuard } from './0002-instruction-transitions.ts';
import { engineLeases } from './0003-engine-leases.ts';
import { streamPointJanusUrl } from './0004-stream-point-janus-url.ts';
import { walkCellsDone } from './0005-walk-cells-done.ts';
import { listenerPresence } from './0006-listener-presence.ts';
import { streamPointBootId } from './0007-stream-point-boot-id.ts';
import { ttsProvider } from './0008-tts-provider.ts';
import { claimStreamFunction } from './0009-claim-stream-function.ts';
import { graphLatencyProfile } from './0010-graph-latency-profile.ts';
import { places } from './0011-places.ts';

/** One migration: a name that sorts in apply order and its statements. */
export interface MigrationDefinition {
  name: string;
  statements: readonly string[];
}

/** All migrations in apply order. Append new ones; never edit an applied migration. */
export const migrations: readonly MigrationDefinition[] = [
  { name: '0001-initial', statements: initialSchema },
  { name: '0002-instruction-transitions', statements: instructionTransitionGuard },
  { name: '0003-engine-leases', statements: engineLeases },
  { name: '0004-stream-point-janus-url', statements: streamPointJanusUrl },
  { name: '0005-walk-cells-done', statements: walkCellsDone },
  { name: '0006-listener-presence', statements: listenerPresence },
  { name: '0007-stream-point-boot-id', statements: streamPointBootId },
  { name: '0008-tts-provider', statements: ttsProvider },
  { name: '0009-claim-stream-function', statements: claimStreamFunction },
  { name: '0010-graph-latency-profile', statements: graphLatencyProfile },
  { name: '0011-places', statements: places },
];
