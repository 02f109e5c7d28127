export interface RetryOptions {
  /** Attempts in all, the first included (at least 1). */
  attempts: number;
  /** The wait before the first retry (ms); doubled before each further one. */
  baseMs: number;
  /** The longest wait between two attempts (ms). */
  maxMs?: number;
  /** How to wait (tests pass their own clock). */
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before attempt `n` (2, 3, …): baseMs, 2·baseMs, 4·baseMs, … at most maxMs. */
export const backoffMs = (n: number, baseMs: number, maxMs = Infinity): number =>
  Math.min(baseMs * 2 ** Math.max(0, n - 2), maxMs);

/**
 * Runs `attempt` until its outcome is not worth retrying or the attempts are spent, waiting an
 * exponentially growing time between attempts. Returns the last outcome and how many attempts
 * were made. An outcome, not an exception, says whether to retry: a send that the station
 * answered Rejected is an answer, a send that timed out is not.
 */
export async function retryWithBackoff<T>(
  attempt: (n: number) => Promise<T>,
  retryable: (outcome: T) => boolean,
  options: RetryOptions,
): Promise<{ outcome: T; attempts: number }> {
  const sleep = options.sleep ?? pause;
  const attempts = Math.max(1, Math.floor(options.attempts));
  let outcome = await attempt(1);
  let n = 1;
  while (n < attempts && retryable(outcome)) {
    n++;
    await sleep(backoffMs(n, options.baseMs, options.maxMs));
    outcome = await attempt(n);
  }
  return { outcome, attempts: n };
}
