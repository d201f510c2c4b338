// typescript-eslint, type-aware (strictTypeChecked). Why this and not Biome: README, "Developing".
// Every rule switched off or relaxed here says why; everything else is the preset as shipped.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'templates/', 'diagrams/', 'coverage/', '.tap/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers in messages (`${count} stacks`) are the point of a CLI's output; undefined, objects and
      // unions with them stay refused.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `(line) => io.stdout(line)` is a callback, not a value anyone reads.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `const { preview: _preview, ...rest } = result` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/synth/**/*.ts'],
    rules: {
      // cloudform-types' property classes are data shapes: each constructor is `Object.assign(this,
      // properties)`, and the templates are rendered from a JSON round-trip. An object literal of the class's
      // type is exactly what `new` would build, and reads like the CloudFormation it becomes.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // tap queues `t.test()` subtests and awaits them itself; every other promise must still be awaited.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafePromises: [
            { from: 'package', package: '@tapjs/core', name: 'PromiseWithSubtest' },
          ],
        },
      ],
      // Fakes implement the Promise-returning src/aws interfaces with `async` bodies that need no await.
      '@typescript-eslint/require-await': 'off',
      // A test reaching into a result it just produced: a wrong `!` fails the test, which is the point.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Terminal tests assert on ANSI escape sequences (\u001b[2K, colours): control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
