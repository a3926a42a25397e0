/** Java's `EmitStrategy.StrategyType`. */
export enum StrategyType {
  ON_WINDOW_UPDATE = 'ON_WINDOW_UPDATE',
  ON_WINDOW_CLOSE = 'ON_WINDOW_CLOSE',
}

/**
 * Java's `EmitStrategy` for windowed aggregations: `onWindowUpdate()` (the default) emits every update of a
 * window; `onWindowClose()` emits each window once, when stream time passes its end plus the grace period
 * (checked at most once per `emit.interval` of wall-clock time, 1 s by default, as in Java).
 */
export class EmitStrategy {
  static readonly StrategyType = StrategyType;

  private constructor(private readonly strategyType: StrategyType) {}

  static onWindowUpdate(): EmitStrategy {
    return new EmitStrategy(StrategyType.ON_WINDOW_UPDATE);
  }

  static onWindowClose(): EmitStrategy {
    return new EmitStrategy(StrategyType.ON_WINDOW_CLOSE);
  }

  type(): StrategyType {
    return this.strategyType;
  }
}
