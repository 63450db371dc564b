/**
 * Jest runs every test under test/ through ts-jest (CommonJS output, type-checked separately by
 * `npm run typecheck`).
 *
 * `MATRIX_UIA_XSTATE=<package name>` runs the suite on another xstate, installed as an npm alias
 * (e.g. `xstate-lowest`, the oldest version the peer range allows; scripts/test-lowest-xstate.mjs):
 * every import of xstate, the library's and @xstate/react's, is mapped to it.
 */
const path = require('node:path');

const xstateAlias = process.env.MATRIX_UIA_XSTATE;
const xstateDir = xstateAlias ? path.dirname(require.resolve(`${xstateAlias}/package.json`, { paths: [__dirname] })) : undefined;

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.tsx?$': [
      'ts-jest',
      {
        tsconfig: {
          isolatedModules: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          jsx: 'react-jsx',
          esModuleInterop: true,
          target: 'ES2022',
          types: ['jest', 'node'],
        },
      },
    ],
  },
  // Examples import the package by name, as apps do.
  moduleNameMapper: {
    '^matrix-uia$': '<rootDir>/src/index.ts',
    '^matrix-uia/(.*)$': '<rootDir>/src/$1/index.ts',
    ...(xstateDir ? { '^xstate$': xstateDir, '^xstate/(.*)$': `${xstateDir}/$1` } : {}),
  },
  testTimeout: 20000,
  // One worker per core (jest's default leaves one core free: a single worker on a 2-core CI
  // machine, 7.5 minutes instead of 4.5). The suite is checked under load: `npm test` passes while
  // a second `npm test` runs beside it, so two workers per run are within what it tolerates.
  maxWorkers: '100%',
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
};
