import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** One logger per process: JSON lines, quiet in tests unless LOG_LEVEL says otherwise. */
export function createLogger({
  name,
  level,
  destination,
}: {
  name: string;
  level: string;
  /** where the lines go; standard output by default */
  destination?: DestinationStream;
}): Logger {
  const options = { name, level, base: { service: name }, mixin: traceContext };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The trace a line was written in (the OpenTelemetry log data model's names), so a log viewer
 * jumps from a line to its trace; nothing outside a trace or without telemetry.
 */
function traceContext(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: `0${spanContext.traceFlags.toString(16)}`.slice(-2),
  };
}

/** A request slower than this is logged at info even when it only read. */
export const SLOW_REQUEST_MS = 1_000;

/**
 * The level of a request's one log line: info for a request that did something worth reading
 * (a mutation, an error, a slow read), debug for the rest. A long poll (a `waitMs` feed read)
 * is slow on purpose, so only its errors reach info.
 */
export function requestLogLevel({
  mutation,
  errors,
  durationMs,
  longPoll = false,
}: {
  mutation: boolean;
  errors: number;
  durationMs: number;
  longPoll?: boolean;
}): 'info' | 'debug' {
  if (errors > 0) return 'info';
  if (longPoll) return 'debug';
  return mutation || durationMs >= SLOW_REQUEST_MS ? 'info' : 'debug';
}
