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
  const options = { name, level, base: { service: name } };
  return destination ? pino(options, destination) : pino(options);
}
