import type { Serializer } from '../serde/serde.js';
import { Serdes } from '../serde/serdes.js';
import { IllegalArgumentError } from '../errors/streams-error.js';

/**
 * How the query service turns a key in a URL into a store key and back, and serializes it for routing
 * (it must be the serializer the producers of the store's source topic used).
 */
export interface KeyCodec<K> {
  parse(text: string): K;
  format(key: K): string;
  readonly serializer: Serializer<K>;
}

export const KeyCodecs = {
  /** UTF-8 string keys (`Serdes.String()`): the default. */
  string(): KeyCodec<string> {
    return { parse: (text) => text, format: (key) => key, serializer: Serdes.String().serializer() };
  },

  /** 64-bit integer keys (`Serdes.Long()`), written in URLs as decimal numbers. */
  long(): KeyCodec<number> {
    return {
      parse: (text) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new IllegalArgumentError(`key "${text}" is not an integer`);
        return n;
      },
      format: (key) => String(key),
      serializer: Serdes.Long().serializer(),
    };
  },
};
