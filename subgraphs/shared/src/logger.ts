import { pino, type Logger } from 'pino';

export type { Logger };

/** One logger per process: JSON lines, quiet in tests unless LOG_LEVEL says otherwise. */
export function createLogger({ name, level }: { name: string; level: string }): Logger {
  return pino({ name, level, base: { service: name } });
}
