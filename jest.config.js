'use strict';
/**
 * Three tiers: unit (pure, no I/O), integration (real Postgres + Redis, services and
 * repositories), e2e (HTTP through the whole app). `npm test` (scripts/test.js) prepares a fresh
 * database and Redis prefix for integration and e2e runs.
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

// NestJS 12 ships ES modules only (and the Voucherify SDK uses import('fs') for CSV uploads); Node 20 loads them through require(esm), but Jest's module
// system does not (before Node 24.9), so Jest compiles those packages to CommonJS with Babel.
const ESM_PACKAGES = ['@nestjs', '@voucherify', 'file-type', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', 'load-esm', '@borewit', 'content-disposition'];

const common = {
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'json', 'ts'],
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '^.+\\.m?js$': ['babel-jest', { babelrc: false, configFile: false, plugins: [require.resolve('./test/jest/rename-top-level-require.babel.js'), 'babel-plugin-transform-import-meta', '@babel/plugin-transform-dynamic-import', '@babel/plugin-transform-modules-commonjs'] }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'], testTimeout: 60_000 },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], testTimeout: 60_000 },
  ],
};
