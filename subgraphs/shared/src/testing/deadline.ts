/**
 * Waits for `work`, failing after `timeoutMs` with an error that names `what` it waited for,
 * so that a stalled wait fails the test with a reason instead of hanging the run.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  { what, timeoutMs = 60_000 }: { what: string; timeoutMs?: number },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
