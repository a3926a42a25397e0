import type { Serde } from './serde.js';

/**
 * A serializer/deserializer wrapping an inner one that may be left unset and filled in from the config's
 * default serdes when its node is initialized (Java's `WrappingNullableSerializer.setIfUnset`).
 */
export interface DefaultableSerde {
  setIfUnset(defaultKeySerde: Serde<unknown> | null, defaultValueSerde: Serde<unknown> | null): void;
}

export function isDefaultable(x: unknown): x is DefaultableSerde {
  return typeof (x as Partial<DefaultableSerde> | null)?.setIfUnset === 'function';
}
