import { onScopeDispose, ref, watch, type Ref } from 'vue';
import { GraphUpdatesDocument, type GraphFieldsFragment } from '../graphql/generated/graphql.ts';
import { subscribe } from '../graphql/client.ts';

/**
 * The live state of one graph: the `graph` subscription delivers it at start and again after
 * every change any editor makes (nodes, doors, edges, meta), so the canvas never polls.
 */
export function useGraph(graphUuid: Ref<string>) {
  const graph = ref<GraphFieldsFragment | null>(null);
  const error = ref<string | null>(null);
  let stop: (() => void) | undefined;

  watch(
    graphUuid,
    (uuid) => {
      stop?.();
      graph.value = null;
      error.value = null;
      stop = subscribe(
        GraphUpdatesDocument,
        { graphUuid: uuid },
        {
          next: (data) => {
            graph.value = data.graph;
          },
          error: (failure) => {
            error.value = failure.message;
          },
        },
      );
    },
    { immediate: true },
  );
  onScopeDispose(() => stop?.());

  return { graph, error };
}
