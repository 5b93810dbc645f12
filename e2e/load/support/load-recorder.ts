import type { Client } from 'graphql-ws';

/** Percentiles of a list of milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** What the simulated listeners saw, summed up. */
export interface ListenerFigures {
  assignments: number;
  noStream: number;
  resumes: number;
  resumesOnOtherStream: number;
  dialogs: number;
  writes: number;
  errors: number;
  firstErrors: string[];
  /** First answers that did not come within the answer timeout (saturated backends). */
  answerTimeouts: number;
  /** Two listeners holding the same point at overlapping times, as seen by the clients. */
  overlappingHolds: number;
  assignLatency: LatencySummary;
  noStreamLatency: LatencySummary;
  resumeLatency: LatencySummary;
}

/** An acknowledged variable write. */
export interface AcknowledgedWrite {
  streamUuid: string;
  key: string;
  value: string;
}

/** Records events of every simulated listener (single process, no locking needed). */
export interface LoadRecorder {
  assigned(listener: number, point: string, stream: string, ms: number): { end(): void };
  noStream(ms: number): void;
  timeout(): void;
  resumed(sameStream: boolean, ms: number): void;
  dialog(): void;
  written(streamUuid: string, key: string, value: string): void;
  error(listener: number, message: string): void;
  keepClient(client: Client): void;
  writes(): readonly AcknowledgedWrite[];
  figures(): ListenerFigures;
  disposeClients(): Promise<void>;
}

/** p-th percentile (nearest rank) of `values`. */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return {
    count: sorted.length,
    p50: Math.round(at(50)),
    p99: Math.round(at(99)),
    max: Math.round(sorted.at(-1) ?? 0),
  };
}

/** Creates an empty recorder. */
export function createLoadRecorder(): LoadRecorder {
  const assign: number[] = [];
  const none: number[] = [];
  const resume: number[] = [];
  let resumesOnOtherStream = 0;
  let dialogs = 0;
  let errors = 0;
  let answerTimeouts = 0;
  const firstErrors: string[] = [];
  const acknowledged: AcknowledgedWrite[] = [];
  const holds = new Map<string, Array<{ listener: number; from: number; to: number }>>();
  const clients: Client[] = [];
  return {
    assigned(listener, point, _stream, ms) {
      assign.push(ms);
      const hold = { listener, from: performance.now(), to: Number.POSITIVE_INFINITY };
      const list = holds.get(point) ?? [];
      list.push(hold);
      holds.set(point, list);
      return { end: () => void (hold.to = Math.min(hold.to, performance.now())) };
    },
    noStream: (ms) => void none.push(ms),
    timeout: () => void answerTimeouts++,
    resumed(sameStream, ms) {
      resume.push(ms);
      if (!sameStream) resumesOnOtherStream++;
    },
    dialog: () => void dialogs++,
    written: (streamUuid, key, value) => void acknowledged.push({ streamUuid, key, value }),
    error(listener, message) {
      errors++;
      if (firstErrors.length < 20) firstErrors.push(`listener ${listener}: ${message}`);
    },
    keepClient: (client) => void clients.push(client),
    writes: () => acknowledged,
    figures() {
      let overlappingHolds = 0;
      for (const list of holds.values()) {
        const sorted = [...list].sort((a, b) => a.from - b.from);
        let reach = sorted[0];
        for (const current of sorted.slice(1)) {
          if (reach && current.from < reach.to && current.listener !== reach.listener)
            overlappingHolds++;
          if (!reach || current.to > reach.to) reach = current;
        }
      }
      return {
        assignments: assign.length,
        noStream: none.length,
        resumes: resume.length,
        resumesOnOtherStream,
        dialogs,
        writes: acknowledged.length,
        errors,
        firstErrors,
        answerTimeouts,
        overlappingHolds,
        assignLatency: summarize(assign),
        noStreamLatency: summarize(none),
        resumeLatency: summarize(resume),
      };
    },
    async disposeClients() {
      await Promise.all(clients.splice(0).map(async (client) => client.dispose()));
    },
  };
}
