// npm run bench [-- --quick]: ordergraph's router side by side with its peers, on the same
// subgraphs, data and supergraph; see bench/README.md
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '../../router/src/auth.js';
import { readCli } from './cli.js';
import { generateDataset } from './data/dataset.js';
import { benchDatabaseUrls, ensureSeeded } from './data/seed.js';
import { spotCheckSeed } from './data/spot-check.js';
import { startLoadGenerator, type LoadGenerator } from './load/runner.js';
import { PEERS, type PeerDefinition } from './peers/registry.js';
import { startPeer, type StartedPeer } from './peers/start-peer.js';
import { describeMachine } from './report/machine.js';
import { choosePinning, pinProcess } from './services/cpu-pinning.js';
import { detailTable, summaryTable, type Report } from './report/tables.js';
import { subscriptionTable } from './report/subscription-table.js';
import { updateBenchmarksPage, writeResults } from './report/write.js';
import { createOperationMix } from './scenarios/operation-mix.js';
import type { Measurement, Scenario, ScenarioSetup } from './scenarios/scenario.js';
import type { SubscriptionMeasurement } from './scenarios/subscriptions/measurement.js';
import { createSubscriptionScenario } from './scenarios/subscriptions/subscriptions.js';
import { startSubgraphs } from './services/subgraphs.js';
import { stopAllProcesses } from './services/processes.js';
import { DATABASE_PREFIX, JWT_SECRET, POSTGRES_URL } from './settings.js';

const servesSubscriptions = (definition: PeerDefinition) =>
  definition.subscriptionsNotMeasured === null;

const cli = readCli(process.argv.slice(2));
const { settings } = cli;
const began = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** Every scenario the bench runs, in order; each measures every peer, on processes of its own. */
const SCENARIOS: Scenario[] = [
  createSubscriptionScenario(),
  createOperationMix({ only: cli.operations }),
].filter((scenario) => !cli.scenarios.length || cli.scenarios.includes(scenario.name));

let load: LoadGenerator | undefined;
let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await load?.stop();
  await stopAllProcesses();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void shutdown().then(() => process.exit(130)));
}

// the services' output: removed after a successful run, kept (and named) after a failure
const logDir = mkdtempSync(join(tmpdir(), 'ordergraph-bench-'));

async function main(): Promise<void> {
  // --peers also sets the order: whoever runs first meets the subgraphs least warmed up
  const peers = cli.peers.length
    ? cli.peers.map((id) => {
        const peer = PEERS.find((candidate) => candidate.id === id);
        if (!peer)
          throw new Error(`no peer ${id}; the peers are ${PEERS.map((p) => p.id).join(', ')}`);
        return peer;
      })
    : PEERS;
  const loadAtStart = loadavg()[0] ?? 0;
  log(`${settings.mode} mode; service logs in ${logDir}`);
  const pinning = choosePinning(cli.pin);
  log(`cores: ${pinning.description}`);
  // the load generators are forked from here: they inherit the bench's own cores
  if (pinning.plan) pinProcess(process.pid, pinning.plan.load);

  const dataset = generateDataset(settings.scale);
  const databaseUrls = benchDatabaseUrls(POSTGRES_URL, DATABASE_PREFIX);
  const seeded = await ensureSeeded({ urls: databaseUrls, dataset, log });
  log(`data ${seeded} (${dataset.fingerprint})`);
  const drift = await spotCheckSeed({ dataset, urls: databaseUrls });
  if (drift.length) {
    throw new Error(`the bench databases differ from the seed:\n${drift.join('\n')}`);
  }

  const tokens = new Map<string, Promise<string>>();
  const setup: ScenarioSetup = {
    settings,
    dataset,
    log,
    customerToken: (customerId) => {
      if (!tokens.has(customerId)) {
        tokens.set(
          customerId,
          signToken({
            secret: JWT_SECRET,
            subject: customerId,
            roles: ['customer'],
            expiresIn: '12h',
          }),
        );
      }
      return tokens.get(customerId)!;
    },
  };
  for (const scenario of SCENARIOS) await scenario.prepare(setup);

  const subgraphs = await startSubgraphs({
    databaseUrls,
    logDir,
    cpus: pinning.plan?.subgraphs,
  });
  log('subgraphs ready');
  const generator = startLoadGenerator();
  load = generator;
  const runTag = `r${Date.now().toString(36)}`;

  const contextOf = (definition: PeerDefinition, peer: StartedPeer, dedup: boolean) => ({
    ...setup,
    peer: {
      id: definition.id,
      label: definition.label,
      url: peer.url,
      pid: peer.process.pid,
      dedup,
      servesSubscriptions: servesSubscriptions(definition),
    },
    subgraphUrls: subgraphs.urls,
    subgraphPids: subgraphs.processes.map((service) => service.pid),
    databaseUrls,
    load: generator,
    runTag,
  });

  const measurements: Measurement[] = [];
  const subscriptions: SubscriptionMeasurement[] = [];
  for (const dedup of settings.dedup) {
    for (const scenario of SCENARIOS) {
      // fresh peer processes for each scenario: the request load is not measured on a router
      // still carrying the aftermath of 10,000 subscribers (its heap, its closed sockets)
      const measured = peers.filter(
        (definition) =>
          scenario.measures?.(
            { dedup, servesSubscriptions: servesSubscriptions(definition) },
            settings,
          ) ?? true,
      );
      const groups = scenario.peersTogether ? [measured] : measured.map((one) => [one]);
      for (const group of groups) {
        const running: { definition: PeerDefinition; peer: StartedPeer }[] = [];
        try {
          // started side by side; each one that starts is stopped, whatever the others do
          const started = await Promise.allSettled(
            group.map(async (definition) => {
              const peer = await startPeer({
                definition,
                subgraphUrls: subgraphs.urls,
                dedup,
                logDir,
                cpus: pinning.plan?.router,
              });
              running.push({ definition, peer });
              log(
                `${definition.id} (dedup ${dedup ? 'on' : 'off'}) ready, pid ${peer.process.pid}`,
              );
            }),
          );
          const failure = started.find((outcome) => outcome.status === 'rejected');
          if (failure) throw failure.reason;
          // the order given, not the order they became ready in
          running.sort((a, b) => group.indexOf(a.definition) - group.indexOf(b.definition));
          const results = await scenario.measure(
            running.map(({ definition, peer }) => contextOf(definition, peer, dedup)),
          );
          measurements.push(...(results.measurements ?? []));
          subscriptions.push(...(results.subscriptions ?? []));
        } finally {
          await Promise.all(running.map(({ peer }) => peer.process.stop()));
        }
      }
    }
  }

  const report: Report = {
    date: new Date().toISOString().slice(0, 10),
    settings,
    machine: await describeMachine(POSTGRES_URL, loadAtStart, pinning.description),
    peers,
    measurements,
    subscriptions,
  };
  for (const dedup of settings.dedup) {
    if (!measurements.some((m) => m.dedup === dedup)) continue;
    console.log(`\n${summaryTable(report, dedup)}\n\n${detailTable(report, dedup)}`);
  }
  if (subscriptions.length) console.log(`\n${subscriptionTable(report)}`);
  if (cli.partial) {
    log('a trial run (filters or overrides given): no results written');
    return;
  }
  for (const file of await writeResults(report)) log(`wrote ${file}`);
  if (await updateBenchmarksPage(report)) log('docs/benchmarks.md updated');
}

try {
  await main();
  await shutdown();
  if (process.env.BENCH_KEEP_LOGS) log(`service logs kept in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
  log('done');
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  await shutdown();
  console.error(`service logs: ${logDir}`);
  process.exitCode = 1;
}
