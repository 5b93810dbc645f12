import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GraphQLRequestError, transportError, type ServerError } from './request-error.ts';

/** One file upload as a GraphQL multipart request. */
export interface UploadInput<TResult, TVariables> {
  url: string;
  headers: Record<string, string>;
  document: TypedDocumentNode<TResult, TVariables>;
  variables: TVariables;
  /** Where the file goes in the variables, e.g. `newAudioFile.file`. */
  filePath: string;
  file: File;
  onProgress: (fraction: number) => void;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: ServerError[];
}

/**
 * Sends the request with XMLHttpRequest, the one browser API that reports upload progress, and
 * resolves to the data or to the request error (the client decides what an error triggers).
 */
export function uploadWithProgress<TResult, TVariables>(
  input: UploadInput<TResult, TVariables>,
): Promise<{ data: TResult } | { error: GraphQLRequestError }> {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: print(input.document), variables: input.variables }),
  );
  form.append('map', JSON.stringify({ 0: [`variables.${input.filePath}`] }));
  form.append('0', input.file, input.file.name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', input.url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(input.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) input.onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => resolve({ error: transportError('upload failed: server not reachable') });
    xhr.onload = () => {
      let body: GraphQLResponse<TResult>;
      try {
        body = JSON.parse(xhr.responseText) as GraphQLResponse<TResult>;
      } catch {
        const text = xhr.responseText.slice(0, 200);
        resolve({ error: transportError(`upload failed: ${xhr.status} ${text}`) });
        return;
      }
      if (body.errors && body.errors.length > 0) {
        resolve({ error: new GraphQLRequestError(body.errors) });
      } else if (body.data == null) {
        resolve({ error: transportError('empty response') });
      } else {
        resolve({ data: body.data });
      }
    };
    xhr.send(form);
  });
}
