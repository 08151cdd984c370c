import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dropDatabase, withDatabase } from '@ordergraph/shared';
import postgres from 'postgres';
import { startPostgresCpuSampling } from '../src/measure/postgres-cpu.js';

const server = process.env['TEST_DATABASE_URL'];
const prefix = `test_pgcpu_${randomBytes(4).toString('hex')}_`;
const url = server && withDatabase(server, `${prefix}db`);

// a statement that keeps its server process busy for a while: hashing a few million rows
const BUSY = `select count(distinct md5(g::text)) from generate_series(1, 2000000) g`;

describe(
  "PostgreSQL's CPU, read from its processes",
  { skip: !server && 'needs TEST_DATABASE_URL' },
  () => {
    before(async () => {
      const admin = postgres(withDatabase(server!, 'postgres'), { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database "${prefix}db"`);
      await admin.end();
    });
    after(() => dropDatabase(url!));

    it('charges the work of a connection to the bench databases to their backends', async (t) => {
      const sampling = await startPostgresCpuSampling({ url: server!, databasePrefix: prefix });
      if (!sampling) {
        t.skip('the server is not a process of this machine that /proc shows');
        return;
      }
      const sql = postgres(url!, { max: 1, onnotice: () => {} });
      await sql.unsafe(BUSY);
      const used = await sampling.finish();
      await sql.end();
      assert.ok(used.backends > 0, `backends: ${used.backends} s`);
    });

    it("leaves out the work of any other database's connections", async (t) => {
      const sampling = await startPostgresCpuSampling({
        url: server!,
        databasePrefix: `${prefix}none_`,
      });
      if (!sampling) {
        t.skip('the server is not a process of this machine that /proc shows');
        return;
      }
      const sql = postgres(url!, { max: 1, onnotice: () => {} });
      await sql.unsafe(BUSY);
      const used = await sampling.finish();
      await sql.end();
      assert.equal(used.backends, 0);
    });
  },
);
