// the documentation as a newcomer runs it: starts the embedded default (`npm start` with no
// configuration but the example clients file), runs every `console` block of README.md and
// docs/*.md in order, and fails when a command fails or prints other than the block shows.
//
// In a ```console block, a line `$ <command>` is run by bash from the project root, and the
// lines after it, up to the next `$`, are what it must print (its standard output); `…` in an
// expected line stands for any text. Variables a command sets are seen by the next ones. A
// block after `<!-- doc-test: background -->` runs alongside the blocks that follow (a second
// terminal), once it says on standard error that it is subscribed; its output is checked when
// it ends. Every script of examples/ must be run by some block.
import { NETWORK_GUARD_LOG, outboundAttempts } from '@ordergraph/shared/network-guard';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared';

const COMMAND_TIMEOUT_MS = 120_000;
const BACKGROUND_TIMEOUT_MS = 60_000;

interface Step {
  where: string;
  command: string;
  expected: string[];
  background: boolean;
}

/** The `$` commands of a file's console blocks, with the output each must print. */
function readSteps(file: string, text: string): Step[] {
  const steps: Step[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```console') continue;
    const background = [lines[i - 1], lines[i - 2]].some((line) =>
      /<!--\s*doc-test:\s*background\s*-->/.test(line ?? ''),
    );
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) {
      const line = lines[i]!;
      if (line.startsWith('$ ')) {
        steps.push({ where: `${file}:${i + 1}`, command: line.slice(2), expected: [], background });
      } else if (
        steps.length > 0 &&
        line.startsWith('  ') &&
        steps.at(-1)!.command.endsWith('\\')
      ) {
        // a command continued on the next line
        steps.at(-1)!.command += `\n${line}`;
      } else if (steps.length > 0) {
        steps.at(-1)!.expected.push(line);
      }
    }
  }
  return steps;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compares output with what the docs show; returns the first difference, or undefined. */
function compareOutput(expected: string[], actual: string): string | undefined {
  const got = actual.replace(/\s+$/, '').split('\n');
  const want = expected.join('\n').replace(/\s+$/, '').split('\n');
  if (want.length === 1 && want[0] === '') want.length = 0;
  if (got.length === 1 && got[0] === '') got.length = 0;
  for (let n = 0; n < Math.max(got.length, want.length); n++) {
    const line = want[n];
    const pattern =
      line && new RegExp(`^${line.trimEnd().split('…').map(escapeRegExp).join('.*')}$`);
    if (
      line === undefined ||
      got[n] === undefined ||
      !pattern ||
      !pattern.test(got[n]!.trimEnd())
    ) {
      return `line ${n + 1}:\n  the docs show: ${line ?? '(nothing more)'}\n  printed:       ${got[n] ?? '(nothing more)'}`;
    }
  }
  return undefined;
}

const dataDir = mkdtempSync(join(tmpdir(), 'ordergraph-doc-test-'));
const guardLog = join(dataDir, 'outbound-attempts.jsonl');
const shellState = join(dataDir, 'shell-state.sh');
writeFileSync(shellState, '');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  // the tour's last step: the example API keys, as docs/partners.md starts the router
  ROUTER_CLIENTS_PATH: 'config/clients.example.json',
  NPM_CONFIG_UPDATE_NOTIFIER: 'false',
  [NETWORK_GUARD_LOG]: guardLog,
};
for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'AUTH_JWT_SECRET', 'NODE_ENV', 'TOKEN'])
  delete env[name];

// the files named on the command line (npm run doc-test -- docs/partners.md), else them all
const docsDir = join(PROJECT_ROOT, 'docs');
const docs =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [
        'README.md',
        ...(existsSync(docsDir) ? readdirSync(docsDir) : [])
          .filter((name) => name.endsWith('.md'))
          .sort()
          .map((name) => `docs/${name}`),
      ];
const steps = docs.flatMap((file) =>
  readSteps(file, readFileSync(resolve(PROJECT_ROOT, file), 'utf8')),
);

/** every example script is run by some step; every example's GraphQL has its variables */
function coverageProblems(): string[] {
  const files = readdirSync(join(PROJECT_ROOT, 'examples'));
  const scripts = files.filter(
    (name) => (name.endsWith('.sh') && name !== 'lib.sh') || /^subscribe-.*\.ts$/.test(name),
  );
  return [
    ...scripts
      .filter((name) => !steps.some((step) => step.command.includes(`examples/${name}`)))
      .map((name) => `examples/${name} is run by no console block of the docs`),
    ...files
      .filter((name) => name.endsWith('.graphql'))
      .filter((name) => !files.includes(name.replace(/\.graphql$/, '.json')))
      .map(
        (name) => `examples/${name} has no variables file (${name.replace(/graphql$/, 'json')})`,
      ),
  ];
}

function run(step: Step): {
  child: ChildProcess;
  output: Promise<{ stdout: string; stderr: string; code: number | null }>;
} {
  // `set -a` exports what the command assigns; the state carries it to the next commands
  // `npx tsx` is the project's own tsx: called directly, no npm process starts in between
  const npxTsx = `npx() { if [ "$1" = tsx ]; then shift; '${PROJECT_ROOT}/node_modules/.bin/tsx' "$@"; else command npx "$@"; fi; }`;
  const script = `set -a; source '${shellState}'; set -eo pipefail\n${npxTsx}\n${step.command}\n${
    step.background ? '' : `export -p > '${shellState}'`
  }`;
  const child = spawn('bash', ['-c', script], { cwd: PROJECT_ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timeout = setTimeout(
    () => child.kill('SIGKILL'),
    step.background ? BACKGROUND_TIMEOUT_MS : COMMAND_TIMEOUT_MS,
  );
  const output = new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timeout);
      resolve({ stdout, stderr, code });
    }),
  );
  return { child, output };
}

function check(
  step: Step,
  { stdout, stderr, code }: { stdout: string; stderr: string; code: number | null },
): string | undefined {
  if (code !== 0) return `exited with ${code}\n${stdout}${stderr}`;
  const difference = compareOutput(step.expected, stdout);
  return difference && `${difference}\nwhole output:\n${stdout}`;
}

const start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  cwd: PROJECT_ROOT,
  env,
});
let startOutput = '';
const running = new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`start timed out:\n${startOutput}`)), 240_000);
  const onData = (chunk: Buffer) => {
    startOutput += chunk.toString();
    if (startOutput.includes('ordergraph is running')) {
      clearTimeout(timer);
      resolve();
    }
  };
  start.stdout.on('data', onData);
  start.stderr.on('data', onData);
  start.once('exit', (code) =>
    reject(new Error(`start exited early with ${code}:\n${startOutput}`)),
  );
});

// the coverage of examples/ holds for the whole docs only
const failures: string[] = process.argv.length > 2 ? [] : coverageProblems();
const began = performance.now();
try {
  if (steps.length === 0) throw new Error('no console block found in the docs');
  await running;
  console.log(
    `the embedded default is running (${((performance.now() - began) / 1000).toFixed(0)} s)`,
  );

  // a browser opening the router's URL gets the sandbox
  const page = await fetch('http://127.0.0.1:4000/graphql', { headers: { accept: 'text/html' } });
  if (page.status !== 200 || !(page.headers.get('content-type') ?? '').startsWith('text/html')) {
    failures.push(`a browser opening /graphql gets ${page.status}, not the sandbox`);
  }

  const background: { step: Step; output: ReturnType<typeof run>['output'] }[] = [];
  for (const step of steps) {
    const stepStarted = performance.now();
    const { child, output } = run(step);
    if (step.background) {
      // it runs on while the next blocks do, once it says it listens
      await new Promise<void>((resolve) => {
        const ready = (chunk: Buffer) => chunk.toString().includes('subscribed') && resolve();
        child.stderr!.on('data', ready);
        child.once('exit', () => resolve());
      });
      background.push({ step, output });
      console.log(`started ${step.where}: ${step.command}`);
      continue;
    }
    const problem = check(step, await output);
    const seconds = ((performance.now() - stepStarted) / 1000).toFixed(1);
    console.log(`${problem ? 'FAIL' : 'ok  '} ${step.where} (${seconds} s): ${step.command}`);
    if (problem) {
      failures.push(`${step.where}: ${step.command}\n${problem}`);
      // the next commands depend on this one
      break;
    }
  }
  for (const { step, output } of background) {
    const problem = check(step, await output);
    console.log(`${problem ? 'FAIL' : 'ok  '} ${step.where}: ${step.command}`);
    if (problem) failures.push(`${step.where}: ${step.command}\n${problem}`);
  }
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  start.kill('SIGINT');
  const code = await new Promise((resolve) => {
    if (start.exitCode !== null) resolve(start.exitCode);
    else start.once('exit', resolve);
  });
  if (code !== 0) failures.push(`npm start did not stop cleanly (exit ${String(code)})`);
  const attempts = [
    ...outboundAttempts().map((attempt) => JSON.stringify(attempt)),
    ...(existsSync(guardLog) ? readFileSync(guardLog, 'utf8').trim().split('\n') : []),
  ].filter(Boolean);
  if (attempts.length > 0 || startOutput.includes('MetadataLookupWarning')) {
    failures.push(`connections beyond this machine were attempted:\n${attempts.join('\n')}`);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

const seconds = ((performance.now() - began) / 1000).toFixed(0);
if (failures.length > 0) {
  console.error(`\n${failures.join('\n\n')}\n\ndoc test failed (${seconds} s)`);
  process.exit(1);
}
console.log(`doc test passed: ${steps.length} commands of ${docs.length} files (${seconds} s)`);
process.exit(0);
