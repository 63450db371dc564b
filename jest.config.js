/** Jest runs every test under test/ through ts-jest (CommonJS output, type-checked separately by `npm run typecheck`). */
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
  },
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
};
