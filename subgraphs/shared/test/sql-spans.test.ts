import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { SpanStatusCode } from '@opentelemetry/api';
import { executeRows, sql, startTelemetry, withSpan, type DatabaseHandle } from '../src/index.js';
import { createTestDatabase } from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
const spans = new InMemorySpanExporter();
let handle: DatabaseHandle;

before(async () => {
  await startTelemetry({
    serviceName: 'sql-spans',
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  handle = await createTestDatabase({ name: 'shared_spans', migrationsFolder });
});
after(() => handle.close());

const statementSpans = () => spans.getFinishedSpans().filter((span) => span.name === 'db.query');
const millis = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

describe('SQL statement spans', () => {
  it('last from sending the statement to its result, with its text but not its values', async () => {
    spans.reset();
    const secret = 'a-value-that-stays-out-of-traces';
    await withSpan('work', {}, () =>
      executeRows(handle.db, sql`select pg_sleep(${0.05}), ${secret}::text as value`),
    );
    const [statement] = statementSpans();
    assert.ok(statement, 'a db.query span');
    assert.ok(millis(statement.duration) >= 50, `lasted ${millis(statement.duration)} ms`);
    assert.equal(statement.attributes['db.system'], 'postgresql');
    assert.equal(statement.attributes['db.system.name'], 'postgresql');
    assert.equal(statement.attributes['db.query.text'], 'select pg_sleep($1), $2::text as value');
    assert.doesNotMatch(JSON.stringify(statement.attributes), new RegExp(secret));
    const parent = spans.getFinishedSpans().find((span) => span.name === 'work');
    assert.equal(statement.parentSpanContext?.spanId, parent?.spanContext().spanId);
  });

  it('covers the statements of a transaction, and marks a failed statement as an error', async () => {
    spans.reset();
    await assert.rejects(
      withSpan('work', {}, () =>
        handle.db.transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          await tx.execute(sql`select * from a_table_that_does_not_exist`);
        }),
      ),
    );
    const texts = statementSpans().map((span) => span.attributes['db.query.text']);
    assert.deepEqual(texts, ['select 1', 'select * from a_table_that_does_not_exist']);
    assert.equal(statementSpans()[1]?.status.code, SpanStatusCode.ERROR);
  });

  it('makes no span for work outside a trace', async () => {
    spans.reset();
    await executeRows(handle.db, sql`select 1`);
    assert.deepEqual(statementSpans(), []);
  });
});
