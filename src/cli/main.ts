#!/usr/bin/env node
// The kstreams command line. The only module that reads argv or exits the process.
import { Command } from 'commander';
import { runDemo } from './demo.js';

const program = new Command()
  .name('kstreams')
  .description('Kafka Streams for Node.js: run, describe and feed stream-processing topologies.')
  .showHelpAfterError();

program
  .command('demo')
  .description('run the sample topology on the embedded in-process engine (no broker needed) and print its output')
  .action(async () => {
    await runDemo((line) => console.log(line));
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`kstreams: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
