import { parseArgs } from 'node:util';
import { FULL, QUICK, type Settings } from './settings.js';

export interface Cli {
  settings: Settings;
  /** peer ids to run; all when empty */
  peers: string[];
  /** operation names (dashes for spaces) to run; all when empty */
  operations: string[];
  /** scenario names to run; all when empty */
  scenarios: string[];
  /** keep the router, the load generators and the subgraphs on cores of their own (--pin) */
  pin: 'auto' | 'off';
  /** true when a filter or override is set: the run is a trial, and writes no results */
  partial: boolean;
}

const list = (value: string | undefined) =>
  value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [];

// an override given on the command line, as a partial settings object
const number = <K extends string>(key: K, value: string | undefined) =>
  (value ? { [key]: Number(value) } : {}) as Partial<Record<K, number>>;

/**
 * `npm run bench [-- --quick]`. For trials while developing: --peers ours,hive-rust,
 * --scenarios operations,subscriptions, --operations light,order-detail, --connections 1,10,
 * --duration 2, --rounds 2, --warmup 1, --subgraph-warmup 5, --dedup off|on|both; for the subscriptions: --subscribers 200,
 * --tracked-orders 20, --change-rate 10, --change-seconds 5. Any run: --pin auto|off (auto keeps
 * the router, the load generators and the subgraphs on cores of their own when there are 4+).
 */
export function readCli(argv: string[]): Cli {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      peers: { type: 'string' },
      operations: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      'subgraph-warmup': { type: 'string' },
      dedup: { type: 'string' },
      scenarios: { type: 'string' },
      subscribers: { type: 'string' },
      'tracked-orders': { type: 'string' },
      'change-rate': { type: 'string' },
      'change-seconds': { type: 'string' },
      pin: { type: 'string', default: 'auto' },
    },
  });
  const base = values.quick ? QUICK : FULL;
  const dedupChoice: Record<string, boolean[]> = {
    off: [false],
    on: [true],
    both: [false, true],
  };
  if (values.dedup && !dedupChoice[values.dedup]) throw new Error('--dedup is off, on or both');
  if (values.pin !== 'auto' && values.pin !== 'off') throw new Error('--pin is auto or off');
  const settings: Settings = {
    ...base,
    connections: values.connections ? list(values.connections).map(Number) : base.connections,
    durationSeconds: values.duration ? Number(values.duration) : base.durationSeconds,
    rounds: values.rounds ? Number(values.rounds) : base.rounds,
    warmupSeconds: values.warmup ? Number(values.warmup) : base.warmupSeconds,
    subgraphWarmupSeconds: values['subgraph-warmup']
      ? Number(values['subgraph-warmup'])
      : base.subgraphWarmupSeconds,
    dedup: values.dedup ? dedupChoice[values.dedup]! : base.dedup,
    subscriptions: {
      ...base.subscriptions,
      ...number('connections', values.subscribers),
      ...number('orders', values['tracked-orders']),
      ...number('changesPerSecond', values['change-rate']),
      ...number('durationSeconds', values['change-seconds']),
    },
  };
  const peers = list(values.peers);
  const operations = list(values.operations);
  const scenarios = list(values.scenarios);
  const overrides = [
    values.connections,
    values.duration,
    values.rounds,
    values.warmup,
    values.dedup,
    values.subscribers,
    values['tracked-orders'],
    values['change-rate'],
    values['change-seconds'],
  ];
  const partial =
    peers.length > 0 || operations.length > 0 || scenarios.length > 0 || overrides.some(Boolean);
  return { settings, peers, operations, scenarios, pin: values.pin, partial };
}
