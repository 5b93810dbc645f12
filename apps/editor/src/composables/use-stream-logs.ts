import { onScopeDispose, ref } from 'vue';
import { StreamLogsDocument, type StreamLogsSubscription } from '../graphql/generated/graphql.ts';
import { subscribe } from '../graphql/client.ts';

/** One log line of a stream or stream point. */
export type StreamLogLine = StreamLogsSubscription['streamLogs'];

/** Log lines of one stream or one stream point: history first, then live lines (bounded list). */
export function useStreamLogs(
  filter: { streamUuid?: string; streamPointUuid?: string },
  maxLines = 2000,
) {
  const lines = ref<StreamLogLine[]>([]);
  const error = ref<string | null>(null);
  const stop = subscribe(
    StreamLogsDocument,
    { streamUuid: filter.streamUuid ?? null, streamPointUuid: filter.streamPointUuid ?? null },
    {
      next: (data) => {
        lines.value.push(data.streamLogs);
        if (lines.value.length > maxLines) lines.value.splice(0, lines.value.length - maxLines);
      },
      error: (failure) => {
        error.value = failure.message;
      },
    },
  );
  onScopeDispose(stop);
  return { lines, error };
}
