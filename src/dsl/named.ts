import { TopologyError } from '../errors/topology-error.js';

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Java's `Named`: a user-chosen processor name. Immutable. */
export class Named {
  protected constructor(readonly name: string | null) {}

  static as(name: string): Named {
    Named.validate(name);
    return new Named(name);
  }

  withName(name: string): Named {
    return Named.as(name);
  }

  /** Java's rule for names used in topic and store names: legal characters, at most 249 long. */
  static validate(name: string): void {
    if (name.length === 0) throw new TopologyError('Name is illegal, it can\'t be empty');
    if (name.length > 249) throw new TopologyError('Name is illegal, it can\'t be longer than 249 characters, name: ' + name);
    if (!LEGAL.test(name)) {
      throw new TopologyError(`Name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
    }
  }
}
