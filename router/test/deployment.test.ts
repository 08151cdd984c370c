import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { parse } from 'yaml';
import { DEFAULT_SUBGRAPH_PORTS, SUBGRAPH_NAMES } from '../src/config.js';

// no container engine runs the tests, so the compose file is checked by reading it
const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, Record<string, any>>;
};

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, the five subgraphs and the router', () => {
    assert.deepEqual(
      Object.keys(compose.services).sort(),
      ['postgres', 'router', ...SUBGRAPH_NAMES].sort(),
    );
  });

  it('builds every service from the one Dockerfile, starting an entry point that exists', () => {
    assert.ok(existsSync(join(PROJECT_ROOT, 'Dockerfile')));
    for (const name of [...SUBGRAPH_NAMES, 'router']) {
      const service = compose.services[name]!;
      assert.equal(service['build'], '.', name);
      const [entry] = service['command'] as string[];
      assert.ok(entry && existsSync(join(PROJECT_ROOT, entry)), `${name}: ${entry}`);
    }
  });

  it('gives every subgraph its port, PostgreSQL and a health check, and the router their URLs', () => {
    for (const name of SUBGRAPH_NAMES) {
      const service = compose.services[name]!;
      assert.equal(service['environment'].PORT, String(DEFAULT_SUBGRAPH_PORTS[name]), name);
      assert.match(service['environment'].DATABASE_URL, /^postgres:\/\/.+@postgres:5432\//, name);
      assert.ok(service['healthcheck']?.test, name);
      assert.equal(service['depends_on'].postgres.condition, 'service_healthy', name);
      assert.equal(
        compose.services['router']!['environment'][`${name.toUpperCase()}_URL`],
        `http://${name}:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`,
      );
      assert.equal(compose.services['router']!['depends_on'][name].condition, 'service_healthy');
    }
    assert.ok(compose.services['postgres']!['healthcheck']?.test);
    assert.ok(compose.services['router']!['healthcheck']?.test);
  });
});
