import { reactive, ref, watch, type Ref } from 'vue';
import { errorMessage } from '@gencaster/web';

/** One page as the admin queries answer it. */
export interface AdminPageAnswer<T> {
  items: T[];
  totalCount: number;
}

/** What {@link useAdminPage} loads with: the filter and the page's offset and size. */
export type AdminPageLoader<T, F> = (
  filter: F,
  page: { offset: number; limit: number },
) => Promise<AdminPageAnswer<T>>;

/**
 * A server-side paged, filtered list of the admin area: the filter is reactive (a change goes back
 * to page 1 and reloads after a short pause, so typing in a search box sends one request), the
 * page number drives the offset. `refresh()` reloads after an action.
 */
export function useAdminPage<T, F extends object>(
  load: AdminPageLoader<T, F>,
  initialFilter: F,
  pageSize = 20,
) {
  const filter = reactive({ ...initialFilter }) as F;
  const items = ref([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let generation = 0;

  async function refresh(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    try {
      const answer = await load(
        { ...filter },
        {
          offset: (page.value - 1) * pageSize,
          limit: pageSize,
        },
      );
      if (mine !== generation) return; // a newer request answers instead
      items.value = answer.items;
      total.value = answer.totalCount;
      error.value = null;
    } catch (failure) {
      if (mine === generation) error.value = errorMessage(failure);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  let pause: ReturnType<typeof setTimeout> | undefined;
  watch(
    () => ({ ...filter }),
    () => {
      page.value = 1;
      clearTimeout(pause);
      pause = setTimeout(() => void refresh(), 250);
    },
    { deep: true },
  );
  watch(page, () => void refresh());
  void refresh();
  return { filter, items, total, page, pageSize, loading, error, refresh };
}
