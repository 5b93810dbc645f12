/**
 * A first-in-first-out queue of dialogs where only the head is shown.
 *
 * Dialogs from the graph can arrive faster than a listener answers them; the queue keeps their
 * order, and `next` drops the head once it was answered so the following dialog appears.
 */
export interface DialogQueue<T> {
  /** The dialog to show now, or undefined when none waits. */
  readonly current: T | undefined;
  /** How many dialogs wait, including the current one. */
  readonly size: number;
  /** Appends a dialog at the end. */
  push(dialog: T): void;
  /** Removes the current dialog and returns the new head. */
  next(): T | undefined;
  /** Forgets every waiting dialog (for a new session). */
  clear(): void;
}

/** Creates an empty dialog queue. */
export function createDialogQueue<T>(): DialogQueue<T> {
  const items: T[] = [];
  return {
    get current() {
      return items[0];
    },
    get size() {
      return items.length;
    },
    push(dialog) {
      items.push(dialog);
    },
    next() {
      items.shift();
      return items[0];
    },
    clear() {
      items.length = 0;
    },
  };
}
