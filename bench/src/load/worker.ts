// the load generator: a process of its own (never the measured one), driven over IPC
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec, WorkerReply, WorkerRequest } from './protocol.js';
import { sameJson } from './verify.js';

let unique = 0;

interface Slot {
  index: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const { pathname } = new URL(spec.url);
  let next = 0;
  let successes = 0;
  let wrong = 0;
  let firstFailure: string | null = null;
  const latencies: number[] = [];

  const started = performance.now();
  let finished!: (result: autocannon.Result) => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: spec.durationSeconds,
      timeout: 30,
      requests: [
        {
          setupRequest: (request: autocannon.Request, context: Slot) => {
            const index = next++ % spec.requests.length;
            const { body, headers } = spec.requests[index]!;
            context.index = index;
            return {
              ...request,
              method: 'POST',
              path: pathname,
              headers,
              body: spec.uniquePlaceholder
                ? body.replace(spec.uniquePlaceholder, `${spec.uniquePrefix}-${++unique}`)
                : body,
            };
          },
          onResponse: (status: number, body: string, context: Slot) => {
            const expected = spec.requests[context.index]!.expected;
            if (status === 200 && sameJson(body, expected)) {
              successes++;
              return;
            }
            wrong++;
            firstFailure ??= `HTTP ${status}: ${body.slice(0, 600)}`;
          },
        } as unknown as autocannon.Request,
      ],
    },
    (error, result) => (error ? failed(error) : finished(result)),
  );
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
  });
  instance.on('reqError', (error) => {
    firstFailure ??= `request error: ${error.message}`;
  });
  const result = await done;
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    sent: result.requests.sent,
    successes,
    failures: wrong + result.errors,
    latenciesMs: latencies,
    firstFailure,
  };
}

process.on('message', (message: WorkerRequest) => {
  run(message.spec).then(
    (result) => process.send!({ id: message.id, result } satisfies WorkerReply),
    (error: unknown) =>
      process.send!({ id: message.id, error: String(error) } satisfies WorkerReply),
  );
});
process.on('disconnect', () => process.exit(0));
