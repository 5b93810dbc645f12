import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue';
import { request } from '../graphql/client.ts';
import { liveCodingPoint } from '../graphql/operations.ts';
import type { LiveCodingPoint } from '../graphql/types.ts';

/**
 * The live-coding page's stream point: one the backend picks at random among those anyone may
 * hear, kept while it stays listenable. Asked again every `refreshMs` (sooner while none is live)
 * with `keep`, which also renews the point's short-lived watch ticket before it expires; when the
 * point is taken by a personal listener or goes silent, the next answer is another point or none.
 */
export function useLiveCodingPoint(refreshMs = 20_000, waitingMs = 5_000) {
  const point = shallowRef<LiveCodingPoint>();
  const error = ref<string>();
  const loading = ref(true);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function refresh() {
    try {
      const result = await request(liveCodingPoint, { keep: point.value?.uuid ?? null });
      point.value = result.liveCodingPoint ?? undefined;
      error.value = undefined;
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      loading.value = false;
    }
    if (!stopped) timer = setTimeout(() => void refresh(), point.value ? refreshMs : waitingMs);
  }

  onMounted(() => void refresh());
  onBeforeUnmount(() => {
    stopped = true;
    clearTimeout(timer);
  });
  return { point, error, loading };
}
