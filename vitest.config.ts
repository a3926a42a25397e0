import { configDefaults, defineConfig } from 'vitest/config';

// Two projects:
//   unit         fast, in-process tests (everything under test/ except test/integration/)
//   integration  tests against a real single-node Kafka broker that test/integration/global-setup.ts
//                starts once per run (scripts/kafka/broker.ts; needs Java 17 + Maven on first run)
//
//   npx vitest run --project unit
//   npx vitest run --project integration
//   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 npx vitest run --project integration   # reuse a broker
export default defineConfig({
  test: {
    // Java logs dropped records at WARN; tests assert on behaviour, not on log lines.
    env: { KSTREAMS_LOG_LEVEL: 'error' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/integration/**'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // Broker start (and a first-time jar download) happens in globalSetup; tests themselves
          // wait on rebalances, coordinators and transactions.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One broker shared by all files: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
