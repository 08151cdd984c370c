/// <reference lib="dom" />
import { pick, useGraphiQL, type GraphiQLPlugin } from '@graphiql/react';
import { createElement as h, useState, useSyncExternalStore } from 'react';
import type { SandboxConfig } from '../index.js';
import { session, signIn } from './session.js';
import { variablesTemplate } from './variables.js';

const TYPE_ORDER = ['query', 'mutation', 'subscription'];

/** Lists the persisted operations; a click loads one, with its variables, into the editor. */
export function examplesPlugin(operations: SandboxConfig['operations']): GraphiQLPlugin {
  const sorted = [...operations].sort(
    (a, b) =>
      TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || a.name.localeCompare(b.name),
  );
  return {
    title: 'Examples',
    icon: () => h('span', { className: 'sandbox-icon', 'aria-hidden': true }, 'Ex'),
    content: function Examples() {
      const editors = useGraphiQL(pick('queryEditor', 'variableEditor'));
      const load = (operation: SandboxConfig['operations'][number]) => {
        editors.queryEditor?.setValue(operation.body);
        editors.variableEditor?.setValue(
          JSON.stringify(variablesTemplate(operation.body), null, 2),
        );
      };
      return h(
        'div',
        { className: 'sandbox-panel' },
        h('div', { className: 'graphiql-doc-explorer-title' }, 'Examples'),
        h(
          'p',
          null,
          'The persisted operations of schema/persisted-queries.json, as the apps send them.',
        ),
        h(
          'ul',
          { className: 'sandbox-examples' },
          sorted.map((operation) =>
            h(
              'li',
              { key: operation.name },
              h(
                'button',
                {
                  type: 'button',
                  className: 'graphiql-button sandbox-example',
                  'data-operation': operation.name,
                  onClick: () => load(operation),
                },
                h('span', { className: 'sandbox-example-type' }, operation.type),
                ' ',
                operation.name,
              ),
            ),
          ),
        ),
      );
    },
  };
}

/** Signs in as a demo user: the token goes into the Authorization header of every request. */
export function signInPlugin(identities: SandboxConfig['identities']): GraphiQLPlugin {
  return {
    title: 'Sign in',
    icon: () => h('span', { className: 'sandbox-icon', 'aria-hidden': true }, 'Me'),
    content: function SignIn() {
      const editors = useGraphiQL(pick('headerEditor'));
      const signedIn = useSyncExternalStore(session.subscribe, session.get);
      const [identity, setIdentity] = useState(identities[0]?.id ?? '');
      const [error, setError] = useState(null as string | null);
      const writeHeaders = (headers: Record<string, string>) =>
        editors.headerEditor?.setValue(JSON.stringify(headers, null, 2));
      const onSignIn = async () => {
        setError(null);
        try {
          const minted = await signIn(identity);
          writeHeaders({ Authorization: `Bearer ${minted.token}` });
          session.set(minted.identity);
        } catch (failure) {
          setError(failure instanceof Error ? failure.message : String(failure));
        }
      };
      const onSignOut = () => {
        writeHeaders({});
        session.set(null);
      };
      return h(
        'div',
        { className: 'sandbox-panel' },
        h('div', { className: 'graphiql-doc-explorer-title' }, 'Sign in'),
        h(
          'p',
          null,
          'Development only: mints a token for a demo user and puts it in the Authorization ' +
            'header (and in connection_init for subscriptions).',
        ),
        h(
          'select',
          {
            className: 'sandbox-identity',
            value: identity,
            onChange: (event: { target: { value: string } }) => setIdentity(event.target.value),
          },
          identities.map(({ id, label }) => h('option', { key: id, value: id }, label)),
        ),
        h(
          'div',
          { className: 'sandbox-actions' },
          h(
            'button',
            { type: 'button', className: 'graphiql-button sandbox-sign-in', onClick: onSignIn },
            'Sign in',
          ),
          signedIn &&
            h(
              'button',
              { type: 'button', className: 'graphiql-button sandbox-sign-out', onClick: onSignOut },
              'Sign out',
            ),
        ),
        error && h('p', { className: 'sandbox-error' }, error),
        h(
          'p',
          { className: 'sandbox-signed-in' },
          signedIn ? `Signed in as ${signedIn.label}` : 'Not signed in (anonymous).',
        ),
        h('hr'),
        h(
          'p',
          null,
          'Prefer Apollo Sandbox? ',
          h('a', { href: '/graphql', target: '_blank', rel: 'noreferrer' }, 'Open it'),
          ' (loaded from Apollo, needs internet).',
        ),
      );
    },
  };
}

/**
 * GraphiQL's editors (Monaco) and the operation it has picked, as `window.sandbox` for scripting
 * the page from the browser's console, as the sandbox's browser test does.
 */
function useConsoleAccess(): void {
  const state = useGraphiQL(
    pick('queryEditor', 'variableEditor', 'headerEditor', 'responseEditor', 'operationName'),
  );
  (window as unknown as { sandbox: typeof state }).sandbox = state;
}

/** Who the sandbox is signed in as, in the toolbar (always shown, so it also opens the console access). */
export function SignedInBadge() {
  useConsoleAccess();
  const signedIn = useSyncExternalStore(session.subscribe, session.get);
  return h(
    'span',
    { className: 'sandbox-badge', title: signedIn?.subject ?? 'no Authorization header' },
    signedIn ? signedIn.label : 'anonymous',
  );
}
