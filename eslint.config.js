// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The layers, as import rules (docs/architecture.md). Each entry: the files, and the folders they
 * must not import from. Later entries add to the earlier ones that cover the same files (a file
 * gets every rule whose glob matches it). Tests may import anything.
 */
const layers = [
  {
    files: ['lib/**'],
    not: ['controller', 'media', 'recordings', 'tools', 'test'],
    why: 'lib/ holds the basics every part uses; it depends on none of them',
  },
  {
    files: ['media/**', 'recordings/**'],
    not: ['controller', 'tools', 'test'],
    why: 'media/ and recordings/ are used by the controller, never the other way',
  },
  {
    files: ['controller/**'],
    not: ['tools', 'test'],
    why: 'production code never imports tooling or tests',
  },
  { files: ['tools/**'], not: ['test'], why: 'nothing outside the tests imports test/' },
  {
    files: ['controller/media-server/**'],
    not: ['session', 'ivr', 'acd', 'http'],
    why: 'the call path runs one way: adapters know nothing above them',
  },
  {
    files: ['controller/session/**'],
    not: ['ivr', 'acd', 'http'],
    types: true,
    why: 'the session gets the flow runner and the ACD passed in from controller/main.ts',
  },
  {
    files: ['controller/acd/**'],
    not: ['ivr', 'http'],
    why: 'the ACD is called by flows, not the other way',
  },
];

const pattern = (
  /** @type {string} */ folder,
  /** @type {string} */ why,
  /** @type {boolean} */ types,
) => ({
  regex: `(^|/)${folder}/`,
  message: `layer: ${why}.`,
  ...(types ? { allowTypeImports: true } : {}),
});

/** One config block per layer entry, each carrying every rule that covers its files. */
const layerBlocks = layers.map((layer) => {
  const covering = layers.filter(
    (l) =>
      l === layer ||
      layer.files.some((f) => l.files.some((g) => f.startsWith(g.replace('**', '')))),
  );
  const patterns = covering.flatMap((l) =>
    l.not.map((folder) => pattern(folder, l.why, Boolean(l.types) && l === layer)),
  );
  return {
    files: layer.files.map((f) => `${f}/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Interfaces are async; their in-memory implementations have nothing to await.
      '@typescript-eslint/require-await': 'off',
      // prettier wraps at 100; what it cannot break (template literals) may run to 120.
      'max-len': [
        'error',
        { code: 120, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  ...layerBlocks,
  {
    // The same for imports on demand, which the rule above does not see.
    files: ['lib/**/*.ts', 'controller/**/*.ts', 'media/**/*.ts', 'recordings/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/(^|\\/)(tools|test)\\//]',
          message: 'layer: production code never imports tooling or tests.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
);
