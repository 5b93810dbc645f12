/**
 * Host calls one run may make, and how many of them (for Python: resumptions after an await)
 * may come back within 10 ms, i.e. without really waiting. Waiting costs no CPU,
 * but a script looping over host calls (`while True: await sleep(0)`, endless dialogs or log
 * lines) would otherwise run until its wall time; past the budget, calls fail (log lines are
 * dropped after one notice).
 */
export const callBudget = {
  all: 10_000,
  log: 1_000,
  emitDialog: 100,
  busyResumptions: 300,
} as const;
