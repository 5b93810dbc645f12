import { onBeforeUnmount, onMounted, ref } from 'vue';
import { request } from '../graphql/client.ts';
import { getStreamPoints } from '../graphql/operations.ts';
import type { StreamPointInfo } from '../graphql/types.ts';

/** Live stream points, refreshed every few seconds while the page is open. */
export function useStreamPoints(intervalMs = 5000) {
  const points = ref<StreamPointInfo[]>([]);
  const error = ref<string>();
  let timer: ReturnType<typeof setInterval> | undefined;

  async function refresh() {
    try {
      const result = await request(getStreamPoints, {});
      points.value = [...result.streamPoints].sort((a, b) => (a.port ?? 0) - (b.port ?? 0));
      error.value = undefined;
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  }

  onMounted(() => {
    void refresh();
    timer = setInterval(() => void refresh(), intervalMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return { points, error, refresh };
}
