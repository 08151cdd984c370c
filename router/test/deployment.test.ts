import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { DEFAULT_SUBGRAPH_PORTS, loadConfig, SUBGRAPH_NAMES } from '../src/config.js';

// No container engine runs the tests, so the deployment files are checked by reading them: the
// compose file against a schema of the part of the Compose Specification it uses, then against
// what the services' own configuration loaders accept.

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');

/**
 * Whether an entry point is what `npm run build` compiles from a source that exists: the image
 * runs `<package>/dist/x.js`, made by the package's build script from `<package>/src/x.ts`.
 */
function compiledFromSource(entry: string): boolean {
  const [, dir, file] = /^(router|subgraphs\/\w+)\/dist\/([\w/-]+)\.js$/.exec(entry) ?? [];
  if (!dir || !existsSync(join(PROJECT_ROOT, dir, 'src', `${file}.ts`))) return false;
  const { scripts } = JSON.parse(read(`${dir}/package.json`)) as {
    scripts: Record<string, string>;
  };
  return /esbuild "src\/\*\*\/\*\.ts" --outdir=dist\b/.test(scripts['build'] ?? '');
}

// ---- the compose file's schema -------------------------------------------------------------

const duration = z.string().regex(/^\d+(ms|s|m)$/);
const healthcheck = z.strictObject({
  test: z.array(z.string()).min(2),
  interval: duration,
  timeout: duration,
  retries: z.number().int().min(1),
  start_period: duration.optional(),
});
const composeService = z
  .strictObject({
    image: z
      .string()
      .regex(/^[a-z0-9/._-]+:[\w.-]+$/, 'an image with a tag')
      .optional(),
    build: z.literal('.').optional(),
    command: z.array(z.string()).min(1).optional(),
    init: z.boolean().optional(),
    restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']),
    read_only: z.boolean().optional(),
    tmpfs: z.array(z.string().startsWith('/')).optional(),
    security_opt: z.array(z.string()).optional(),
    stop_grace_period: duration.optional(),
    ports: z.array(z.string().regex(/^(\d+|\$\{\w+(:-\d+)?\}):\d+$/)).optional(),
    volumes: z.array(z.string().regex(/^[\w./-]+:\/[\w./-]+(:ro)?$/)).optional(),
    // strings only: YAML would turn `4000` or `true` into something else on the way
    environment: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()).optional(),
    depends_on: z
      .record(z.string(), z.strictObject({ condition: z.literal('service_healthy') }))
      .optional(),
    healthcheck,
    deploy: z.strictObject({ replicas: z.number().int().min(1) }).optional(),
  })
  .refine((service) => Boolean(service.image) !== Boolean(service.build), {
    message: 'either an image or the build, not both',
  });
const composeFile = z
  .looseObject({
    name: z.string(),
    services: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), composeService),
    volumes: z.record(z.string(), z.null()).optional(),
  })
  .refine((file) => Object.keys(file).every((key) => /^(name|services|volumes|x-.+)$/.test(key)), {
    message: 'only name, services, volumes and x- extensions',
  });
type ComposeService = z.infer<typeof composeService>;

// ---- the compose file, interpolated with the example settings --------------------------------

/** deploy/compose.env.example, every empty secret filled with a URL-safe value */
function exampleSettings(): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const line of read('deploy/compose.env.example').split('\n')) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) settings[match[1]!] = match[2] || `${match[1]!.toLowerCase()}-0123456789abcdef`;
  }
  return settings;
}

const referenced = new Map<string, 'required' | 'defaulted'>();

/** Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR:?message}`, `$$`. */
function interpolate(text: string, settings: Record<string, string>): string {
  return text.replace(/\$\$|\$\{(\w+)(?::([-?])([^}]*))?\}/g, (whole, name, kind, rest) => {
    if (whole === '$$') return '$';
    referenced.set(name, kind === '-' ? 'defaulted' : 'required');
    assert.ok(kind, `\${${name}} needs a default (:-) or a message (:?)`);
    const value = settings[name];
    if (kind === '-') return value || rest;
    assert.ok(value, `${name} is required but not in deploy/compose.env.example`);
    return value;
  });
}

function interpolateAll(value: unknown, settings: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, settings);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, settings));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateAll(item, settings)]),
    );
  }
  return value;
}

const raw = parse(read('docker-compose.yml'), { merge: true }) as unknown;
const compose = composeFile.parse(interpolateAll(raw, exampleSettings()));
const services = compose.services;
const service = (name: string): ComposeService => {
  assert.ok(services[name], `no service ${name}`);
  return services[name];
};

const ROUTERS = ['router-1', 'router-2'];
const NODE_SERVICES = [...SUBGRAPH_NAMES, ...ROUTERS];
const nginxConf = read('deploy/nginx/ordergraph.conf');

// ---- what each service's configuration loader reads and makes of the environment ------------

interface LoadedConfig {
  /** the variables the loader looked at */
  read: Set<string>;
  config: Record<string, unknown>;
}

/** Runs a loader on `environment` alone, recording every variable it reads. */
async function loadWith(
  environment: Record<string, string>,
  load: () => unknown | Promise<unknown>,
): Promise<LoadedConfig> {
  const read = new Set<string>();
  const recording = new Proxy(
    { ...environment },
    {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key);
      },
    },
  );
  const original = process.env;
  process.env = recording;
  try {
    return { read, config: (await load()) as Record<string, unknown> };
  } finally {
    process.env = original;
  }
}

const subgraphLoader = async (name: string) => {
  const module = (await import(
    pathToFileURL(join(PROJECT_ROOT, 'subgraphs', name, 'src/config.ts')).href
  )) as { loadConfig: () => Record<string, unknown> };
  return () => module.loadConfig();
};

const allValues = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(allValues)
      : [];

const seconds = (text: string) => {
  const [, amount, unit] = /^(\d+)(ms|s|m)$/.exec(text)!;
  return Number(amount) * (unit === 'ms' ? 0.001 : unit === 'm' ? 60 : 1);
};

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Redis, the five subgraphs, two routers and the proxy', () => {
    assert.deepEqual(
      Object.keys(services).sort(),
      ['postgres', 'redis', 'proxy', ...ROUTERS, ...SUBGRAPH_NAMES].sort(),
    );
  });

  it('builds every Node service from the one Dockerfile, starting code compiled from its sources', () => {
    for (const name of NODE_SERVICES) {
      const { build, command, environment } = service(name);
      assert.equal(build, '.', name);
      const [entry] = command ?? [];
      assert.ok(entry && compiledFromSource(entry), `${name}: ${entry}`);
      assert.equal(environment?.['NODE_ENV'], 'production', name);
    }
    for (const name of ['postgres', 'redis', 'proxy']) {
      assert.ok(service(name).image && !/:latest$/.test(service(name).image!), name);
    }
  });

  it('runs every subgraph as two replicas or more, scalable with --scale (no fixed names or ports)', () => {
    for (const name of SUBGRAPH_NAMES) {
      assert.ok((service(name).deploy?.replicas ?? 1) >= 2, name);
    }
  });

  it('publishes the proxy only', () => {
    for (const [name, { ports }] of Object.entries(services)) {
      if (name === 'proxy') assert.deepEqual(ports, ['8080:80']);
      else assert.equal(ports, undefined, `${name} publishes ${ports}`);
    }
  });

  it('requires every secret from the environment, with nothing defaulted', () => {
    for (const secret of [
      'AUTH_JWT_SECRET',
      'ROUTER_SIGNING_SECRET',
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
      ...SUBGRAPH_NAMES.map((name) => `${name.toUpperCase()}_DB_PASSWORD`),
    ]) {
      assert.equal(referenced.get(secret), 'required', secret);
    }
    const text = read('docker-compose.yml');
    assert.doesNotMatch(text, /(SECRET|PASSWORD)\w*:\s*['"]?\w/, 'a secret written in the file');
  });

  it('checks every service on /ready (or its own probe) and waits for healthy dependencies', () => {
    for (const name of NODE_SERVICES) {
      assert.match(service(name).healthcheck.test.join(' '), /\/ready/, name);
    }
    for (const [name, { depends_on }] of Object.entries(services)) {
      for (const dependency of Object.keys(depends_on ?? {})) {
        assert.ok(services[dependency]?.healthcheck, `${name} waits on ${dependency}`);
      }
    }
    for (const name of SUBGRAPH_NAMES) assert.ok(service(name).depends_on?.['postgres'], name);
    for (const router of ROUTERS) {
      assert.deepEqual(
        Object.keys(service(router).depends_on ?? {}).sort(),
        ['redis', ...SUBGRAPH_NAMES].sort(),
      );
    }
    assert.deepEqual(Object.keys(service('proxy').depends_on ?? {}).sort(), ROUTERS);
  });

  it('gives every subgraph a configuration its loader accepts in production', async () => {
    for (const name of SUBGRAPH_NAMES) {
      const environment = service(name).environment ?? {};
      const { read, config } = await loadWith(environment, await subgraphLoader(name));
      assert.equal(config['production'], true, name);
      assert.equal(config['port'], DEFAULT_SUBGRAPH_PORTS[name], name);
      const unread = Object.keys(environment).filter((key) => !read.has(key));
      assert.deepEqual(unread, [], `${name} sets variables it never reads`);
      const database = new URL(String(config['databaseUrl']));
      assert.equal(database.hostname, 'postgres', name);
      assert.equal(database.pathname, `/ordergraph_${name}`, name);
      assert.equal(database.username, name, `${name} connects as its own role`);
      // a default pointing at 127.0.0.1 reaches nothing inside a container
      for (const value of allValues(config)) {
        assert.doesNotMatch(value, /127\.0\.0\.1|localhost/, `${name}: ${value}`);
      }
      const timeoutMs = Number(config['shutdownTimeoutMs'] ?? 10_000);
      const grace = seconds(service(name).stop_grace_period ?? '10s');
      assert.ok(grace * 1000 > timeoutMs, `${name}: stop_grace_period ${grace}s vs ${timeoutMs}ms`);
    }
  });

  it('creates a role and a database per subgraph in PostgreSQL, with the password it is given', () => {
    const postgres = service('postgres');
    assert.ok(
      postgres.volumes?.includes(
        './deploy/postgres/init-databases.sh:/docker-entrypoint-initdb.d/init-databases.sh:ro',
      ),
    );
    const script = read('deploy/postgres/init-databases.sh');
    const [, names] = /for name in ([\w ]+); do/.exec(script) ?? [];
    assert.deepEqual(names?.split(' ').sort(), [...SUBGRAPH_NAMES].sort());
    for (const name of SUBGRAPH_NAMES) {
      const password = postgres.environment?.[`${name.toUpperCase()}_DB_PASSWORD`];
      const url = service(name).environment?.[`${name.toUpperCase()}_DATABASE_URL`];
      assert.ok(password && url, name);
      assert.equal(decodeURIComponent(new URL(url).password), password, name);
    }
  });

  it('runs two identical routers on every subgraph, sharing persisted queries through Redis', async () => {
    const [first, second] = ROUTERS.map(service);
    assert.deepEqual(first, second);
    const environment = first!.environment ?? {};
    const { read, config } = await loadWith(environment, () => loadConfig(process.env));
    assert.equal(config['production'], true);
    assert.deepEqual(
      Object.keys(environment).filter((key) => !read.has(key)),
      [],
      'the router is given variables it never reads',
    );
    assert.deepEqual(
      config['subgraphUrls'],
      Object.fromEntries(
        SUBGRAPH_NAMES.map((name) => [
          name,
          `http://${name}:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`,
        ]),
      ),
    );
    const redisUrl = new URL(String(config['redisUrl']));
    assert.equal(redisUrl.hostname, 'redis');
    assert.equal(redisUrl.password, service('redis').environment?.['REDIS_PASSWORD']);
    assert.match(service('redis').command?.join(' ') ?? '', /--requirepass "\$REDIS_PASSWORD"/);
    for (const value of allValues(config)) assert.doesNotMatch(value, /127\.0\.0\.1|localhost/);
    const timeoutMs = Number(config['shutdownTimeoutMs'] ?? 10_000);
    assert.ok(seconds(first!.stop_grace_period ?? '10s') * 1000 > timeoutMs);
  });

  it('proxies to both routers with WebSocket upgrades and unbuffered streams', () => {
    assert.ok(
      service('proxy').volumes?.includes(
        './deploy/nginx/ordergraph.conf:/etc/nginx/conf.d/default.conf:ro',
      ),
    );
    const port = service('router-1').environment?.['PORT'];
    const upstream = /upstream routers \{([^}]*)\}/.exec(nginxConf)?.[1] ?? '';
    const servers = [...upstream.matchAll(/^\s*server ([\w-]+):(\d+)\b/gm)];
    assert.deepEqual(
      servers.map(([, host, serverPort]) => [host, serverPort]),
      ROUTERS.map((router) => [router, port]),
    );
    const location = /location \/ \{([^}]*)\}/.exec(nginxConf)?.[1] ?? '';
    for (const directive of [
      'proxy_pass http://routers;',
      'proxy_http_version 1.1;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection $connection_upgrade;',
      'proxy_buffering off;',
    ]) {
      assert.ok(location.includes(directive), directive);
    }
    assert.match(nginxConf, /map \$http_upgrade \$connection_upgrade \{\s*default upgrade;/);
    const [, timeout, unit] = /proxy_read_timeout (\d+)([smh]);/.exec(location) ?? [];
    assert.ok(Number(timeout) * { s: 1, m: 60, h: 3600 }[unit as 's']! >= 60, 'long-lived streams');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;

  it('copies every workspace package.json before npm ci', () => {
    const install = dockerfile.indexOf('RUN npm ci');
    for (const workspace of workspaces) {
      const copy = dockerfile.indexOf(`COPY ${workspace}/package.json ${workspace}/`);
      assert.ok(copy >= 0 && copy < install, workspace);
    }
  });

  it('is multi-stage, compiles in a build stage and runs the compiled code only', () => {
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2);
    for (const path of ['schema', 'subgraphs', 'router']) {
      assert.match(dockerfile, new RegExp(`^COPY ${path} \\./${path}$`, 'm'), path);
    }
    assert.match(dockerfile, /^FROM manifests AS build\nRUN npm ci /m);
    assert.match(dockerfile, /^RUN npm run build$/m);
    for (const workspace of workspaces.filter((path) => path !== 'bench')) {
      assert.ok(
        dockerfile.includes(`COPY --from=build /app/${workspace}/dist ./${workspace}/dist`),
        workspace,
      );
    }
    // no TypeScript at run time: node runs dist/ through the condition the exports declare
    assert.doesNotMatch(dockerfile, /tsx/);
    assert.match(
      dockerfile,
      /^ENTRYPOINT \["node", "--enable-source-maps", "--conditions=ordergraph-dist"\]$/m,
    );
    assert.match(dockerfile, /^CMD \["router\/dist\/index\.js"\]$/m);
    const shared = JSON.parse(read('subgraphs/shared/package.json')) as {
      exports: Record<string, unknown>;
    };
    assert.deepEqual(shared.exports['.'], {
      'ordergraph-dist': './dist/index.js',
      default: './src/index.ts',
    });
    // the router reads shared through subpaths: each one the image runs points at dist/ too
    for (const [subpath, target] of Object.entries(shared.exports)) {
      if (typeof target === 'string') continue;
      const { default: source, 'ordergraph-dist': compiled } = target as Record<string, string>;
      assert.equal(
        compiled,
        source?.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '.js'),
        subpath,
      );
    }
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '**/node_modules', '.env', '**/dist']) {
      assert.ok(ignored.includes(entry), entry);
    }
  });

  it('runs on Node 24 as the unprivileged node user, with a HEALTHCHECK on /health', () => {
    const stages = dockerfile.match(/^FROM \S+/gm) ?? [];
    for (const stage of stages.filter((from) => from.startsWith('FROM node:'))) {
      assert.equal(stage, 'FROM node:24-bookworm-slim');
    }
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    assert.match(runtime, /^FROM node:24-bookworm-slim AS runtime$/m);
    assert.match(runtime, /^USER node$/m);
    assert.match(runtime, /^HEALTHCHECK .*\\\n\s+CMD \["node", "-e", ".*\/health.*"\]$/m);
    assert.ok(runtime.indexOf('USER node') < runtime.indexOf('ENTRYPOINT'));
  });
});

describe('deploy/kubernetes', () => {
  const dir = join(PROJECT_ROOT, 'deploy/kubernetes');
  const documents = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((document) => {
        assert.deepEqual(document.errors, [], file);
        return document.toJS() as Record<string, any>;
      }),
    );
  const ofKind = (kind: string) => documents.filter((document) => document['kind'] === kind);
  const named = (kind: string, name: string) =>
    ofKind(kind).find((document) => document['metadata'].name === name);

  it('has a Deployment and a Service for the router and every subgraph', () => {
    for (const name of ['router', ...SUBGRAPH_NAMES]) {
      assert.ok(named('Deployment', name), `Deployment ${name}`);
      assert.ok(named('Service', name), `Service ${name}`);
    }
  });

  it('probes /ready for readiness and /health for liveness, on the port the process listens on', () => {
    for (const deployment of ofKind('Deployment')) {
      const name = deployment['metadata'].name as string;
      const pod = deployment['spec'].template.spec;
      const [container] = pod.containers;
      const env = Object.fromEntries(
        (container.env ?? []).map((entry: any) => [entry.name, entry.value]),
      );
      const port = Number(env['PORT']);
      assert.equal(port, name === 'router' ? 4000 : DEFAULT_SUBGRAPH_PORTS[name as 'orders'], name);
      assert.equal(container.ports[0].containerPort, port, name);
      assert.equal(container.readinessProbe.httpGet.path, '/ready', name);
      assert.equal(container.livenessProbe.httpGet.path, '/health', name);
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        assert.ok(probe.httpGet.port === port || probe.httpGet.port === 'http', name);
      }
      assert.ok(container.resources.requests.cpu && container.resources.limits.memory, name);
      assert.equal(env['NODE_ENV'], 'production', name);
      // SIGKILL must not come before the drain is over
      const timeoutMs = Number(env['SHUTDOWN_TIMEOUT_MS'] ?? 10_000);
      assert.ok(pod.terminationGracePeriodSeconds * 1000 > timeoutMs, name);
      assert.deepEqual(
        deployment['spec'].selector.matchLabels,
        deployment['spec'].template.metadata.labels,
      );
      const service = named('Service', name)!;
      assert.deepEqual(service['spec'].selector, deployment['spec'].selector.matchLabels, name);
      assert.ok(
        service['spec'].ports.some(
          (servicePort: any) =>
            servicePort.targetPort === port || servicePort.targetPort === 'http',
        ),
        name,
      );
    }
  });

  it('runs the router and every subgraph as two replicas or more', () => {
    for (const name of ['router', ...SUBGRAPH_NAMES]) {
      assert.ok(named('Deployment', name)!['spec'].replicas >= 2, name);
    }
  });

  it('scales and protects only Deployments that exist', () => {
    for (const autoscaler of ofKind('HorizontalPodAutoscaler')) {
      const target = autoscaler['spec'].scaleTargetRef;
      assert.ok(named(target.kind, target.name), target.name);
    }
    assert.ok(
      ofKind('HorizontalPodAutoscaler').some((hpa) => hpa['spec'].scaleTargetRef.name === 'router'),
    );
    for (const budget of ofKind('PodDisruptionBudget')) {
      const labels = budget['spec'].selector.matchLabels;
      assert.ok(
        ofKind('Deployment').some((deployment) =>
          Object.entries(labels).every(
            ([key, value]) => deployment['spec'].template.metadata.labels[key] === value,
          ),
        ),
        budget['metadata'].name,
      );
    }
  });
});
