#!/usr/bin/env node
// Regenerates test/conformance/golden/*.json by running the scenarios in
// test/conformance/scenarios/ through Apache Kafka Streams' TopologyTestDriver
// (Java reference harness in bench/reference-java).
//
// Usage: node scripts/conformance-golden.mjs [--skip-build] [scenario-id ...]
//   (npm run conformance:golden [-- ...])
// Needs Java 17+ and Maven on PATH; dependencies come from Maven Central.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const javaDir = path.join(root, 'bench', 'reference-java');
const scenariosDir = path.join(root, 'test', 'conformance', 'scenarios');
const goldenDir = path.join(root, 'test', 'conformance', 'golden');

const args = process.argv.slice(2);
const skipBuild = args.includes('--skip-build');
const ids = args.filter((a) => a !== '--skip-build');

function run(cmd, cmdArgs, what, { quiet = false } = {}) {
  const started = Date.now();
  const res = spawnSync(cmd, cmdArgs, {
    cwd: root,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (res.error) {
    console.error(`${what}: could not run ${cmd}: ${res.error.message}`);
    process.exit(1);
  }
  if (quiet) {
    // Maven -q still emits ANSI reset codes; only show output that has real text in it.
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
    if (out.replace(/\u001b\[[0-9;]*m/g, '').trim() !== '') process.stderr.write(out);
  }
  if (res.status !== 0) {
    console.error(`${what} failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status || 1);
  }
  return Date.now() - started;
}

const t0 = Date.now();
if (!skipBuild) {
  console.log('building bench/reference-java (mvn package)...');
  const ms = run(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', path.join(javaDir, 'pom.xml'), 'package'],
    'maven build',
    { quiet: true },
  );
  console.log(`  built in ${(ms / 1000).toFixed(1)}s`);
}

const jar = path.join(javaDir, 'target', 'reference-java.jar');
if (!existsSync(jar)) {
  console.error(`${jar} not found; run without --skip-build first`);
  process.exit(1);
}
const classpath = [jar, path.join(javaDir, 'target', 'lib', '*')].join(path.delimiter);

console.log(`running scenarios (${ids.length ? ids.join(', ') : 'all'})...`);
run(
  'java',
  ['-XX:TieredStopAtLevel=1', '-cp', classpath, 'kstreams.reference.Golden', scenariosDir, goldenDir, ...ids],
  'golden harness',
);
console.log(`goldens written to ${path.relative(root, goldenDir)}/ in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
