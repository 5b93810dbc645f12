// Sends messages in batches: everything queued during one turn of the event loop leaves as one
// array in the next (setImmediate). With 200 engines stepping at once, one postMessage or IPC
// write per message was the larger part of a cell's cost; a lone message waits a few microseconds.

/** Queues messages and hands them to `send` as one array per event-loop turn. */
export function createMessageBatcher<T>(send: (batch: T[]) => void): (message: T) => void {
  let queue: T[] = [];
  const flush = (): void => {
    const batch = queue;
    queue = [];
    send(batch);
  };
  return (message) => {
    if (queue.push(message) === 1) setImmediate(flush);
  };
}
