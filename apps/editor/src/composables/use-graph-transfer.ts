import { ref } from 'vue';
import {
  DeleteGraphDocument,
  DuplicateGraphDocument,
  ExportGraphDocument,
  ImportGraphDocument,
  type ImportGraphMutation,
} from '../graphql/generated/graphql.ts';
import { errorMessage } from '@gencaster/web';
import { request, uploadRequest } from '../graphql/client.ts';

/** What the server reports after an import. */
export type GraphImportReport = ImportGraphMutation['importGraph'];

/**
 * Graph list actions: duplicate, delete, export (downloads a `.gencaster.json` archive) and
 * import (an archive or an original Gencaster dump). Each returns an error text or null, so the
 * view decides how to show it; `busy` names the running action.
 */
export function useGraphTransfer() {
  const busy = ref<string | null>(null);

  async function run<T>(label: string, action: () => Promise<T>): Promise<T | string> {
    busy.value = label;
    try {
      return await action();
    } catch (failure) {
      return errorMessage(failure);
    } finally {
      busy.value = null;
    }
  }

  /** Copies a graph; resolves with the copy's name or an error text. */
  async function duplicate(graphUuid: string): Promise<{ name: string } | string> {
    return run(`duplicate:${graphUuid}`, async () => {
      const data = await request(DuplicateGraphDocument, { graphUuid });
      return { name: data.duplicateGraph.name };
    });
  }

  /** Deletes a graph; null when done, else the server's reason (e.g. listeners are on it). */
  async function remove(graphUuid: string): Promise<string | null> {
    const result = await run(`delete:${graphUuid}`, () =>
      request(DeleteGraphDocument, { graphUuid }),
    );
    return typeof result === 'string' ? result : null;
  }

  /** Downloads the graph's archive; null when done, else an error text. */
  async function download(graphUuid: string): Promise<string | null> {
    const result = await run(`export:${graphUuid}`, async () => {
      const { exportGraph } = await request(ExportGraphDocument, { graphUuid });
      const url = URL.createObjectURL(
        new Blob([exportGraph.content], { type: 'application/json' }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = exportGraph.fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return true;
    });
    return typeof result === 'string' ? result : null;
  }

  /** Uploads an archive or dump; resolves with the report or an error text. */
  async function importFile(file: File): Promise<GraphImportReport | string> {
    return run('import', async () => {
      const data = await uploadRequest(ImportGraphDocument, { file }, 'file', file, () => {});
      return data.importGraph;
    });
  }

  return { busy, duplicate, remove, download, importFile };
}
