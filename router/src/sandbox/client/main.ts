/// <reference lib="dom" />
import './workers.js';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import '@graphiql/plugin-explorer/style.css';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import 'graphiql/graphiql.css';
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import type { SandboxConfig } from '../index.js';
import { createSandboxFetcher } from './fetcher.js';
import { examplesPlugin, SignedInBadge, signInPlugin } from './plugins.js';
import './sandbox.css';

const DEFAULT_QUERY = `# The ordergraph sandbox (development only).
#
# Sign in as a demo user in the "Sign in" panel on the left, then run this query, or load one
# of the persisted operations from "Examples". Subscriptions run over graphql-ws, live.
query MyOrders {
  me {
    name
    orders(first: 5) {
      nodes {
        id
        number
        status
        total { amount currencyCode }
      }
    }
  }
}
`;

const config = (await (await fetch('/sandbox/config')).json()) as SandboxConfig;
const fetcher = createSandboxFetcher({
  url: `${location.origin}/graphql`,
  subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
});
const plugins = [
  signInPlugin(config.identities),
  examplesPlugin(config.operations),
  explorerPlugin({ showAttribution: false }),
  // GraphiQL 5 shows the history only when asked, as any plugin
  HISTORY_PLUGIN,
];

createRoot(document.getElementById('sandbox')).render(
  h(
    GraphiQL,
    {
      fetcher,
      plugins,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      defaultQuery: DEFAULT_QUERY,
    },
    h(GraphiQL.Logo, null, 'ordergraph ', h(SignedInBadge)),
  ),
);
