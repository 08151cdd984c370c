/// <reference lib="dom" />
// Monaco, GraphiQL's editor, runs its language services in web workers: the build bundles each
// one beside the page (build.ts), and Monaco asks for them by label
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    const name = label === 'json' || label === 'graphql' ? label : 'editor';
    return new Worker(`/sandbox/${name}.worker.js`, { type: 'module' });
  },
};
