// One Jest run, three projects chosen by file suffix:
//   *.spec.ts      unit: pure logic, no I/O
//   *.int-spec.ts  integration: real PostgreSQL / Redis / s3rver, one database per suite
//   *.e2e-spec.ts  end-to-end: the four apps started as processes and driven over HTTP
const fs = require('fs');
const path = require('path');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = __dirname;

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(swcrc.jsc.paths)) {
  moduleNameMapper[`^${alias.replace(/\//g, '\\/')}$`] = `<rootDir>/${target}`;
}

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  setupFiles: ['reflect-metadata', '<rootDir>/tools/test/quiet-logs.js'],
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/test/long-timeout.js'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/test/long-timeout.js'],
    },
  ],
};
