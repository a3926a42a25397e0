/**
 * Which input record an output record answers, read from the output's content: bench/compare measures
 * end-to-end latency as `consume time - send time of that input record`. Content, not the record
 * timestamp, because @kafkats/flow stamps its outputs with their produce time (Kafka Streams passes the
 * input's timestamp on), and because the synthetic timestamps (bench/reference/throughput.ts) are event times,
 * not send times. Each rule follows the synthetic records of that topology.
 */
/** The index of the synthetic input record that `(key, value)` on `topic` answers, if it can tell. */
export function inputIndex(topology: string, topic: string, key: string, value: Buffer, keys: number): number | undefined {
  switch (topology) {
    case 'stateless':
      // "value-<i>" upper-cased
      return Number(value.toString().slice('VALUE-'.length));
    case 'count': {
      // the n-th record of key-k is record k + (n - 1) * keys
      const k = Number(key.slice('key-'.length));
      return k + (Number(value.readBigInt64BE()) - 1) * keys;
    }
    case 'hopping-count': {
      // "key-<k>@<window start>": the n-th record of key-k whose timestamp (= its index) is in the window
      const at = key.lastIndexOf('@');
      const k = Number(key.slice('key-'.length, at));
      const start = Number(key.slice(at + 1));
      const first = Math.max(0, Math.ceil((start - k) / keys));
      return k + (first + Number(value.readBigInt64BE()) - 1) * keys;
    }
    case 'stream-join': {
      // "l-<p>|r-<p>": pair p is records 2p (left) and 2p + 1 (right, sent last)
      const p = Number(value.toString().split('|')[1]?.slice('r-'.length));
      return Number.isInteger(p) ? 2 * p + 1 : undefined;
    }
    case 'order-fill': {
      // order o is records 5o (its NEW) to 5o + 4 (its fills); each state says how many fills it has seen
      if (topic === 'order-anomalies') return undefined;
      const state = JSON.parse(value.toString()) as { orderId: string; fillCount: number };
      return 5 * Number(state.orderId.slice('order-'.length)) + state.fillCount;
    }
    default:
      return undefined;
  }
}
