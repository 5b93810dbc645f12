import type { Database } from '@gencaster/db';
import { createLoopGraph, dialogRoundCell } from './load-graph.ts';

/** Return value sclang acknowledges for the load graph's SuperCollider cell. */
export const BLIP_RETURN = 'fault-blip';

/** Frequency of the tone the browser listener's graph plays. */
export const TONE_HZ = 440;

/**
 * The load graph (one listener per stream): every round sends a short SuperCollider blip to the
 * stream point (an instruction the engine waits FINISHED for), then asks a dialog with a fresh
 * input key and waits for the answer, and loops. So every session keeps instructing its point.
 */
export function createSoundLoopGraph(database: Database, slug: string): Promise<string> {
  return createLoopGraph(database, slug, [
    [
      'supercollider',
      `{ SinOsc.ar(660, 0, 0.1) ! 2 * Line.kr(1, 0, 0.3, doneAction: 2) }.play; "${BLIP_RETURN}"`,
    ],
    dialogRoundCell(120),
  ]);
}

/** Seconds between two instructions of the browser listener's graph. */
export const TONE_RENEW_S = 10;

/**
 * The browser listener's graph: a steady sine on the point, forever. Every {@link TONE_RENEW_S}
 * seconds an instruction starts the tone unless this sclang already did (so the level never
 * dips): after a crash of the point, a renewal is how the story goes on and must be heard again.
 */
export function createToneGraph(database: Database, slug: string): Promise<string> {
  return createLoopGraph(database, slug, [
    [
      'supercollider',
      // Started once per sclang, and only on a booted scsynth (a renewal that comes while a
      // restarted point still boots does nothing; the next one starts the tone).
      `if(~faultTone.isNil and: { Server.default.serverRunning }) { ~faultTone = Ndef(\\faultTone, { SinOsc.ar([${TONE_HZ}, ${TONE_HZ}]) * 0.2 }).play }; "fault-tone"`,
    ],
    ['javascript', `await sleep(${TONE_RENEW_S});`],
  ]);
}
