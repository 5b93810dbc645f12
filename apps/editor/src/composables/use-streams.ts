import { onScopeDispose, ref } from 'vue';
import {
  StreamPointsDocument,
  StreamsDocument,
  type StreamPointsQuery,
  type StreamsSubscription,
} from '../graphql/generated/graphql.ts';
import { errorMessage } from '@gencaster/web';
import { request, subscribe } from '../graphql/client.ts';

/** The newest streams with their listener counts, live from the `streams` subscription. */
export function useStreams(limit = 20) {
  const streams = ref<StreamsSubscription['streams']>([]);
  const error = ref<string | null>(null);
  const stop = subscribe(
    StreamsDocument,
    { limit },
    {
      next: (data) => {
        streams.value = data.streams;
      },
      error: (failure) => {
        error.value = failure.message;
      },
    },
  );
  onScopeDispose(stop);
  return { streams, error };
}

/** The live stream points, refreshed every few seconds (points come and go by beacon). */
export function useStreamPoints(intervalMs = 5000) {
  const points = ref<StreamPointsQuery['streamPoints']>([]);
  const error = ref<string | null>(null);
  async function refresh(): Promise<void> {
    try {
      points.value = (await request(StreamPointsDocument, {})).streamPoints;
      error.value = null;
    } catch (failure) {
      error.value = errorMessage(failure);
    }
  }
  void refresh();
  const timer = setInterval(() => void refresh(), intervalMs);
  onScopeDispose(() => clearInterval(timer));
  return { points, error, refresh };
}
