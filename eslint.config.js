// lint: the recommended JavaScript and TypeScript rules; formatting is prettier's job
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// packages depend on each other as the architecture says (issue 17): the router reaches shared
// through its narrow subpaths, a subgraph reaches no other subgraph, shared reaches no domain;
// tests, bench/ and scripts/ start whole stacks and may import what they need
const SUBGRAPHS = ['customers', 'catalog', 'orders', 'inventory', 'shipments'];
const NO_PATHS_INTO_PACKAGES = {
  regex: '^(\\.\\./)+(subgraphs/|router/|[\\w-]+/src/)',
  message: 'Import another package by its name, never by a path into its files.',
};
const boundary = (files, { paths = [], patterns }) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { paths, patterns: [...patterns, NO_PATHS_INTO_PACKAGES] }],
  },
});
const boundaries = [
  boundary(['router/src/**'], {
    paths: [
      {
        name: '@ordergraph/shared',
        message:
          'Import a subpath (@ordergraph/shared/http, /identity, /logging, ...): the barrel loads PGlite, drizzle and @apollo/subgraph.',
      },
    ],
    patterns: [
      {
        regex: '^@ordergraph/(?!shared/)',
        message: 'The router depends on no subgraph: it reaches them over the supergraph.',
      },
    ],
  }),
  ...SUBGRAPHS.map((name) =>
    boundary([`subgraphs/${name}/src/**`], {
      patterns: [
        {
          regex: `^@ordergraph/(?!shared(/|$)|${name}(/|$))`,
          message: 'A subgraph depends on no other subgraph: it calls them over GraphQL.',
        },
      ],
    }),
  ),
  boundary(['subgraphs/shared/src/**'], {
    patterns: [
      {
        regex: '^@ordergraph/(?!shared(/|$))',
        message: 'Shared code knows no domain: a subgraph passes in what it needs.',
      },
    ],
  }),
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/__generated__/**',
      '.data/**',
      '**/dist/**',
      '**/drizzle/**',
      'schema/client/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // tests read GraphQL responses whose shape the query, not the type system, guarantees
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  ...boundaries,
);
