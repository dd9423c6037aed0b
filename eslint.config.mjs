import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Layers (type:) and who may use whom (scope:). A domain lib never imports an app, infrastructure
// never imports a domain, and each worker sees only the domains it works for: the generator knows
// nothing of reservations or exports, so it can only reach them through the queue.
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:infra', 'type:util', 'type:testing'] },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'],
  },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:util'] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:infra', 'type:util', 'type:domain'],
  },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  {
    sourceTag: 'scope:generator-worker',
    onlyDependOnLibsWithTags: [
      'scope:codes',
      'scope:catalog',
      'scope:identifiers',
      'scope:shared',
      // Takes customers' uploaded codes in: a bulk write of codes, as generation is.
      'scope:ingestion',
    ],
  },
  {
    sourceTag: 'scope:reservation-worker',
    onlyDependOnLibsWithTags: [
      'scope:webhooks',
      'scope:reservations',
      'scope:codes',
      'scope:catalog',
      'scope:identifiers',
      'scope:shared',
    ],
  },
  {
    sourceTag: 'scope:export-worker',
    onlyDependOnLibsWithTags: [
      'scope:exports',
      'scope:ingestion',
      'scope:reservations',
      'scope:codes',
      'scope:catalog',
      'scope:identifiers',
      'scope:shared',
    ],
  },
  { sourceTag: 'scope:identifiers', onlyDependOnLibsWithTags: ['scope:identifiers'] },
  { sourceTag: 'scope:accounts', onlyDependOnLibsWithTags: ['scope:accounts', 'scope:shared'] },
  {
    sourceTag: 'scope:catalog',
    onlyDependOnLibsWithTags: [
      'scope:catalog',
      'scope:accounts',
      'scope:identifiers',
      'scope:shared',
    ],
  },
  {
    sourceTag: 'scope:codes',
    onlyDependOnLibsWithTags: [
      'scope:codes',
      'scope:catalog',
      'scope:accounts',
      'scope:identifiers',
      'scope:shared',
    ],
  },
  {
    sourceTag: 'scope:reservations',
    onlyDependOnLibsWithTags: [
      'scope:reservations',
      'scope:codes',
      'scope:catalog',
      'scope:accounts',
      'scope:identifiers',
      'scope:shared',
    ],
  },
  {
    sourceTag: 'scope:exports',
    onlyDependOnLibsWithTags: [
      'scope:exports',
      'scope:reservations',
      'scope:codes',
      'scope:catalog',
      'scope:accounts',
      'scope:identifiers',
      'scope:shared',
    ],
  },
  {
    sourceTag: 'scope:ingestion',
    onlyDependOnLibsWithTags: [
      'scope:ingestion',
      'scope:codes',
      'scope:catalog',
      'scope:accounts',
      'scope:identifiers',
      'scope:shared',
    ],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:identifiers'] },
  {
    sourceTag: 'scope:webhooks',
    onlyDependOnLibsWithTags: ['scope:webhooks', 'scope:accounts', 'scope:shared'],
  },
];

export default [
  { ignores: ['**/node_modules', '**/dist', '**/tmp', '.nx', 'coverage'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Codes and tokens come from crypto.' },
      ],
    },
  },
  {
    // Tests may also use the shared test helpers (databases, processes, fixtures).
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'apps/*/src/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: depConstraints.map((c) => ({
            ...c,
            onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'],
          })),
        },
      ],
    },
  },
];
