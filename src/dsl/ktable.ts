import { KTableFilterSupplier, KTableMapValuesSupplier } from '../operators/ktable-filter-map.js';
import { ktableRepartitionMap, ktableToStream } from '../operators/ktable-grouping.js';
import type { KTableValueSource } from '../operators/tuple-forwarder.js';
import type { Serde } from '../serde/serde.js';
import type { KeyValue } from '../state/key-value.js';
import { nameOf, namedAndMaterialized, withKey } from './args.js';
import type { Grouped } from './grouped.js';
import { tableTableJoin } from './ktable-joins.js';
import { foreignKeyJoin } from './ktable-fk-join.js';
import type { TableJoined } from './table-joined.js';
import type { ValueJoiner } from './value-joiner.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { KGroupedTable } from './kgrouped-table.js';
import { KStream } from './kstream.js';
import type { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import type { Named } from './named.js';
import { suppressTable } from './ktable-suppress.js';
import type { Suppressed } from './suppressed.js';

/**
 * Java's `KTable`: a changelog stream seen as a table (latest value per key; null deletes). Operations
 * forward `Change`s (new and, when needed downstream, old values).
 */
export class KTable<K, V> {
  /** @internal */
  constructor(
    readonly builder: InternalStreamsBuilder,
    /** @internal */
    readonly nodeName: string,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    /** @internal the operator producing this table, asked for old values by downstream operators */
    readonly valueSource: KTableValueSource,
    private readonly queryableName: string | null,
  ) {}

  /** The name of the store to query this table through, or null when it is not queryable (as Java). */
  queryableStoreName(): string | null {
    return this.queryableName;
  }

  filter(predicate: (key: K, value: V) => boolean, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.doFilter(predicate, false, named, materialized);
  }

  filterNot(predicate: (key: K, value: V) => boolean, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.doFilter(predicate, true, named, materialized);
  }

  private doFilter(
    predicate: (key: K, value: V) => boolean,
    filterNot: boolean,
    namedArg?: Named | Materialized<K, V>,
    materializedArg?: Materialized<K, V>,
  ): KTable<K, V> {
    const { named, materialized } = namedAndMaterialized(namedArg, materializedArg);
    const mi = materialized === undefined ? null : MaterializedInternal.of(materialized, this.builder, 'KTABLE-FILTER-');
    if (mi !== null) {
      mi.keySerde ??= this.keySerde;
      mi.valueSerde ??= this.valueSerde;
    }
    const name = this.builder.processorName(nameOf(named), 'KTABLE-FILTER-');
    const supplier = new KTableFilterSupplier<K, V>(this.valueSource, mi?.queryableStoreName() ?? null, predicate, filterNot);
    return this.addTableProcessor(name, supplier, mi, mi?.keySerde ?? this.keySerde, mi?.valueSerde ?? this.valueSerde);
  }

  /** `mapper` is `(value) => …` or `(readOnlyKey, value) => …`. */
  mapValues<VR>(mapper: (value: V) => VR, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  mapValues<VR>(mapper: (key: K, value: V) => VR, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  mapValues<VR>(
    mapper: ((value: V) => VR) | ((key: K, value: V) => VR),
    namedArg?: Named | Materialized<K, VR>,
    materializedArg?: Materialized<K, VR>,
  ): KTable<K, VR> {
    const { named, materialized } = namedAndMaterialized(namedArg, materializedArg);
    const mi = materialized === undefined ? null : MaterializedInternal.of(materialized, this.builder, 'KTABLE-MAPVALUES-');
    if (mi !== null) mi.keySerde ??= this.keySerde;
    const name = this.builder.processorName(nameOf(named), 'KTABLE-MAPVALUES-');
    const supplier = new KTableMapValuesSupplier<K, V, VR>(this.valueSource, mi?.queryableStoreName() ?? null, withKey<K, V, VR>(mapper));
    return this.addTableProcessor(name, supplier, mi, mi?.keySerde ?? this.keySerde, mi?.valueSerde ?? null);
  }

  private addTableProcessor<VR>(
    name: string,
    supplier: KTableFilterSupplier<K, any> | KTableMapValuesSupplier<K, V, VR>,
    mi: MaterializedInternal<K, any> | null,
    keySerde: Serde<K> | null,
    valueSerde: Serde<VR> | null,
  ): KTable<K, VR> {
    // As Java: only a Materialized with a store name gives the result a store; Materialized.with(serdes)
    // just sets serdes (its generated store name is drawn but unused).
    const store = mi?.queryable ? mi : null;
    const parent = this.nodeName;
    this.builder.addWriter((b, config) => {
      b.addProcessor(name, () => supplier.get(), parent);
      if (store !== null) b.addStateStore(store.timestampedKeyValueStoreBuilder(config), false, name);
    });
    return new KTable(this.builder, name, keySerde, valueSerde, supplier, mi?.queryableStoreName() ?? null);
  }

  /** Holds back updates (`Suppressed.untilWindowCloses(...)`: final window results; `untilTimeLimit(...)`). */
  suppress(suppressed: Suppressed): KTable<K, V> {
    return suppressTable(this, suppressed);
  }

  // The Materialized of a join is typed `any` in its value: a generic `Materialized.as(name)` argument would
  // otherwise fix the result type to `unknown` before the joiner's return type is inferred.
  /** Table-table inner join (a table: updates on either side update the result). See `ktable-joins.ts`. */
  join<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO, VR>, named?: Named | Materialized<K, any>, materialized?: Materialized<K, any>): KTable<K, VR>;
  /** Foreign-key join: each row joins the other table's row whose key `foreignKeyExtractor(value)` names. */
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V) => KO | null,
    joiner: ValueJoiner<V, VO, VR>,
    tableJoined?: TableJoined<K, KO> | Named | Materialized<K, any>,
    materialized?: Materialized<K, any>,
  ): KTable<K, VR>;
  join(other: KTable<any, any>, a: (...args: any[]) => any, b?: unknown, c?: unknown): KTable<K, any> {
    if (typeof b === 'function') return foreignKeyJoin(this, other, a, b as ValueJoiner<V, any, any>, [c, arguments[4]], false);
    return tableTableJoin(this, other, a, b as Named | Materialized<K, any> | undefined, c as Materialized<K, any> | undefined, 'inner');
  }

  /** Table-table left join: every row of this table, joined with the other's row or null. */
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO | null, VR>, named?: Named | Materialized<K, any>, materialized?: Materialized<K, any>): KTable<K, VR>;
  /** Foreign-key left join: every row, joined with the row its foreign key names, or null. */
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V) => KO | null,
    joiner: ValueJoiner<V, VO | null, VR>,
    tableJoined?: TableJoined<K, KO> | Named | Materialized<K, any>,
    materialized?: Materialized<K, any>,
  ): KTable<K, VR>;
  leftJoin(other: KTable<any, any>, a: (...args: any[]) => any, b?: unknown, c?: unknown): KTable<K, any> {
    if (typeof b === 'function') return foreignKeyJoin(this, other, a, b as ValueJoiner<V, any, any>, [c, arguments[4]], true);
    return tableTableJoin(this, other, a, b as Named | Materialized<K, any> | undefined, c as Materialized<K, any> | undefined, 'left');
  }

  /** Table-table outer join: every row of either table, joined with the other's row or null. */
  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V | null, VO | null, VR>,
    named?: Named | Materialized<K, any>,
    materialized?: Materialized<K, any>,
  ): KTable<K, VR> {
    return tableTableJoin(this, other, joiner, named, materialized, 'outer');
  }

  toStream(named?: Named): KStream<K, V> {
    const name = this.builder.processorName(nameOf(named), 'KTABLE-TOSTREAM-');
    const parent = this.nodeName;
    this.builder.addWriter((b) => b.addProcessor(name, ktableToStream<K, V>(), parent));
    return new KStream(this.builder, name, this.keySerde, this.valueSerde, false);
  }

  groupBy<KR, VR>(selector: (key: K, value: V) => KeyValue<KR, VR>, grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR> {
    const name = this.builder.processorName(grouped?.name, 'KTABLE-SELECT-');
    const supplier = ktableRepartitionMap(this.valueSource, selector);
    const parent = this.nodeName;
    this.builder.addWriter((b) => b.addProcessor(name, supplier, parent));
    return new KGroupedTable(this.builder, name, grouped?.keySerde ?? null, grouped?.valueSerde ?? null, grouped?.name ?? null);
  }
}
