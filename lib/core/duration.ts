import { Duration } from 'cdk8s';
import { fail, problem } from './errors';

/** The suffix and size (in milliseconds) a duration is written in, by the unit cdk8s's `Duration` was made in. */
const WRITTEN_UNITS: { readonly [label: string]: readonly [string, number] } = {
  millis: ['ms', 1],
  seconds: ['s', 1000],
  minutes: ['m', 60_000],
  hours: ['h', 3_600_000],
  // neither Go's durations nor GEP-2257 have days: a day is written in hours
  days: ['h', 3_600_000],
};

function checkedMillis(field: string, d: Duration): number {
  const ms = millisecondsOf(d);
  if (!Number.isInteger(ms) || ms < 1) {
    fail(problem(field, 'must be a whole number of milliseconds, at least 1ms', `${ms}ms`));
  }
  return ms;
}

/** The duration in the unit it was made in (`Duration.minutes(3)`: `3m`), when it is a whole number of that unit. */
function inUnitWritten(d: Duration, ms: number): string | undefined {
  const unit = WRITTEN_UNITS[d.unitLabel()];
  return unit && ms % unit[1] === 0 ? `${ms / unit[1]}${unit[0]}` : undefined;
}

/**
 * A duration as Istio writes it (a protobuf `Duration` in JSON, which Istio's CRDs check with CEL's `duration()`, Go's
 * `time.ParseDuration`: istio/api `networking/v1alpha3/*.proto`): in the unit the user chose when it is whole in it
 * (`Duration.minutes(3)`: `3m`, as Istio's circuit-breaking task writes `baseEjectionTime`; `Duration.hours(1)`: `1h`;
 * `Duration.millis(500)`: `500ms`), otherwise whole seconds (`Duration.minutes(1.5)`: `90s`) or seconds with the
 * fraction protobuf's JSON writes (`Duration.seconds(0.5)`: `0.5s`, as Istio's request-timeouts task writes it).
 * Durations must be whole milliseconds of at least 1ms. The Gateway API and Linkerd have no fractions: their renderers
 * write the model's durations with {@link wholeUnits}.
 */
export function durationString(field: string, d: Duration): string {
  const ms = checkedMillis(field, d);
  return inUnitWritten(d, ms) ?? `${ms / 1000}s`;
}

/**
 * A duration as the Gateway API (GEP-2257, `^([0-9]{1,5}(h|m|s|ms)){1,4}$`) and Linkerd (`parse_duration`,
 * linkerd/linkerd2 `policy-controller/k8s/index/src/outbound/index.rs`; the proxy's environment) write it: as
 * {@link durationString}, with a fraction of a second written in milliseconds (`Duration.seconds(0.5)`: `500ms`).
 */
export function wholeUnitsDurationString(field: string, d: Duration): string {
  return wholeUnits(durationString(field, d));
}

/**
 * A duration {@link durationString} wrote, in whole units: seconds with a fraction (`0.5s`, `1.25s`) in milliseconds
 * (`500ms`, `1250ms`); every other form unchanged. For the renderers of the Gateway API and Linkerd, which have no fractions.
 */
export function wholeUnits(d: string): string {
  const m = /^(\d+)\.(\d{1,3})s$/.exec(d);
  return m ? `${Number(m[1]) * 1000 + Number(m[2].padEnd(3, '0'))}ms` : d;
}

/** Milliseconds of a duration {@link durationString} wrote (`3m`, `0.5s`, `500ms`); NaN for any other text. */
export function millisOfDurationString(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  return m ? Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']) : NaN;
}

/** A percentage between 0 and 100 (fractions allowed, as Istio's `Percent`). */
export function checkPercent(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    fail(problem(field, 'must be a percentage between 0 and 100', value));
  }
  return value;
}

/** A duration in milliseconds, fractions kept (cdk8s's own conversion throws a plain Error on fractions). */
export function millisecondsOf(d: Duration): number {
  return d.toMilliseconds({ integral: false });
}

/** A duration in whole seconds between `min` and `max` (probe timings, affinity timeouts). */
export function wholeSeconds(field: string, d: Duration, min: number, max = Infinity): number {
  const s = millisecondsOf(d) / 1000;
  if (!Number.isInteger(s) || s < min || s > max) {
    fail(problem(field, `must be whole seconds, at least ${min}${max === Infinity ? '' : ` and at most ${max}`}`, `${s}s`));
  }
  return s;
}
