// An event consumer in a process of its own, for the crash test: each event it handles writes an
// effect row in its transaction; with HOLD_AT set, the handler of that stream's event stops
// there, after its effect and before the cursor commits, so the test can SIGKILL it in between.
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  createServiceClient,
  DEVELOPMENT_SIGNING_SECRET,
  openDatabase,
  sql,
  startEventConsumer,
} from '../../src/index.js';
import { thingsEvents } from './things-events.js';

const env = process.env;
const log = createLogger({ name: 'consumer', level: 'info' });
const handle = await openDatabase({
  url: env['DATABASE_URL'],
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
});
await startEventConsumer({
  name: 'crash<-things',
  handle,
  source: createServiceClient({
    service: 'crash-test',
    url: env['PRODUCER_URL'] ?? '',
    signingSecret: DEVELOPMENT_SIGNING_SECRET,
  }),
  field: 'thingsEventLog',
  contract: thingsEvents,
  log,
  waitMs: 1_000,
  onEvent: async (event, tx) => {
    await tx.execute(
      sql`insert into event_log (stream_type, stream_id, type, payload)
          values ('effect', ${event.streamId}, 'effect', '{}'::jsonb)`,
    );
    if (event.streamId === env['HOLD_AT']) {
      log.info({ streamId: event.streamId }, 'effect written, cursor not committed');
      await new Promise(() => {});
    }
  },
});
log.info('consumer started');
