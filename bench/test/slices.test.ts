import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interleavedOrder, summarizeSlices, type LoadSlice } from '../src/measure/slices.js';

const labels = {
  scenario: 'operations',
  operation: 'light',
  peer: 'ours',
  dedup: false,
  connections: 10,
};

const slice = (overrides: Partial<LoadSlice>): LoadSlice => ({
  seconds: 2,
  sent: 100,
  successes: 100,
  failures: 0,
  latenciesMs: [],
  peerCpuSeconds: 0.1,
  subgraphCpuSeconds: 0.3,
  postgresCpuSeconds: 0.2,
  postgresBackgroundCpuSeconds: 0.04,
  peakRssBytes: 100 * 2 ** 20,
  gatewayFetches: 400,
  serviceFetches: 0,
  statements: 500,
  firstFailure: null,
  ...overrides,
});

describe('a measurement made of slices', () => {
  it('sums the slices and divides by their total time and requests', () => {
    const row = summarizeSlices(labels, [
      slice({ seconds: 2, sent: 100, successes: 98, failures: 2, peerCpuSeconds: 0.2 }),
      slice({ seconds: 3, sent: 300, successes: 300, peerCpuSeconds: 0.6, gatewayFetches: 1200 }),
    ]);
    assert.equal(row.seconds, 5);
    assert.equal(row.sent, 400);
    assert.equal(row.requestsPerSecond, 398 / 5);
    assert.equal(row.failures, 2);
    assert.equal(row.cpuMsPerRequest, 2);
    assert.equal(row.cpuPercent, 16);
    assert.equal(row.subgraphCpuMsPerRequest, 1.5);
    assert.equal(row.postgresCpuMsPerRequest, 1);
    assert.equal(row.postgresBackgroundCpuMsPerRequest, 0.2);
    assert.equal(row.subgraphFetches, 4);
    assert.equal(row.sqlStatements, 2.5);
  });

  it('takes percentiles over every response of every slice, not an average of theirs', () => {
    // one slow slice: its p99 alone would be 1000, the fast one's 10; together 1 in 50 is slow
    const fast = Array.from({ length: 98 }, () => 10);
    const slow = [1000, 1000];
    const row = summarizeSlices(labels, [
      slice({ latenciesMs: fast }),
      slice({ latenciesMs: slow }),
    ]);
    assert.equal(row.latencyMs.p50, 10);
    assert.equal(row.latencyMs.p95, 10);
    assert.equal(row.latencyMs.p99, 1000);
    assert.equal(row.latencyMs.max, 1000);
  });

  it('keeps the highest peak memory and the first failure seen', () => {
    const row = summarizeSlices(labels, [
      slice({ peakRssBytes: 200 * 2 ** 20 }),
      slice({ peakRssBytes: 300 * 2 ** 20, firstFailure: 'HTTP 500: first' }),
      slice({ firstFailure: 'HTTP 502: second' }),
    ]);
    assert.equal(row.peakRssMb, 300);
    assert.equal(row.problem, 'HTTP 500: first');
  });

  it("leaves PostgreSQL's CPU out when a slice could not read it, rather than undercount", () => {
    const row = summarizeSlices(labels, [
      slice({}),
      slice({ postgresCpuSeconds: null, postgresBackgroundCpuSeconds: null }),
    ]);
    assert.equal(row.postgresCpuMsPerRequest, null);
    assert.equal(row.postgresBackgroundCpuMsPerRequest, null);
    assert.equal(row.subgraphCpuMsPerRequest, 3);
  });

  it('reads an empty measurement as nothing rather than dividing by zero', () => {
    const row = summarizeSlices(labels, []);
    assert.equal(row.requestsPerSecond, 0);
    assert.equal(row.cpuMsPerRequest, 0);
    assert.equal(row.latencyMs.p99, 0);
  });
});

describe('the order the peers take turns in', () => {
  it('puts every peer once in every position over as many rounds as there are peers', () => {
    const peers = ['ours', 'apollo-gateway', 'hive-js', 'hive-rust'];
    const rounds = peers.map((_, round) => interleavedOrder(peers, round));
    assert.deepEqual(rounds[1], ['apollo-gateway', 'hive-js', 'hive-rust', 'ours']);
    for (let position = 0; position < peers.length; position++) {
      const there = new Set(rounds.map((order) => order[position]));
      assert.equal(there.size, peers.length, `position ${position}`);
    }
    assert.deepEqual(interleavedOrder(peers, 4), peers);
    assert.deepEqual(interleavedOrder([], 3), []);
  });
});
