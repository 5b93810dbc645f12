/** Outcome of one `gencaster doctor` check; `advice` tells what to do next when it failed. */
export interface DoctorCheck {
  name: string;
  /** `warn`: works, but is risky (printed with its advice; does not fail the run). */
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  advice?: string;
}
