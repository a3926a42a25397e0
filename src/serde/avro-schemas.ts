/** The bundled Avro schemas (`schemas/*.avsc`): the contracts of the seed topologies. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type avro from 'avsc';
import { ConfigError } from '../errors/streams-error.js';

/** Where the bundled `.avsc` files are (the package's `schemas/`, from src/ or dist/src/). */
export function schemasDirectory(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'schemas');
    if (existsSync(path.join(candidate, 'order-state.avsc'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new ConfigError('Cannot find the schemas/ folder of kstreams-ts next to its sources');
}

/** Reads `schemas/<name>.avsc`. */
export function loadSchema(name: string): avro.Schema {
  const file = path.join(schemasDirectory(), `${name}.avsc`);
  if (!existsSync(file)) throw new ConfigError(`No Avro schema ${name}: ${file} does not exist`);
  return JSON.parse(readFileSync(file, 'utf8')) as avro.Schema;
}

