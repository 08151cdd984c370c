import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { dropDatabase } from '@ordergraph/shared';
import { generateDataset } from '../src/data/dataset.js';
import { benchDatabaseUrls, ensureSeeded, SUBGRAPHS } from '../src/data/seed.js';
import { spotCheckSeed } from '../src/data/spot-check.js';

// the bench runs on PostgreSQL only: without a server to test on, there is nothing to test
const server = process.env['TEST_DATABASE_URL'];

describe('seeding the bench databases', { skip: !server && 'needs TEST_DATABASE_URL' }, () => {
  const urls = benchDatabaseUrls(server ?? '', `test_bench_${randomBytes(4).toString('hex')}_`);
  const dataset = generateDataset({ customers: 200, variants: 60, orders: 500 });

  after(async () => {
    await Promise.all(SUBGRAPHS.map((name) => dropDatabase(urls[name])));
  });

  it('migrates and loads every database, then reuses them', async () => {
    assert.equal(await ensureSeeded({ urls, dataset, log: () => {} }), 'seeded');
    assert.deepEqual(await spotCheckSeed({ dataset, urls }), []);
    assert.equal(await ensureSeeded({ urls, dataset, log: () => {} }), 'reused');
  });

  it('rebuilds databases seeded from another data set', async () => {
    const other = generateDataset({ customers: 200, variants: 60, orders: 400 });
    assert.equal(await ensureSeeded({ urls, dataset: other, log: () => {} }), 'seeded');
    assert.deepEqual(await spotCheckSeed({ dataset: other, urls }), []);
  });
});
