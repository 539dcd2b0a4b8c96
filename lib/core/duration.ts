import { Duration } from 'cdk8s';
import { fail, problem } from './errors';

/**
 * A duration as Istio and the Gateway API write it: whole seconds as `7s`, otherwise milliseconds
 * (`500ms`). Durations must be whole milliseconds of at least 1ms.
 */
export function durationString(field: string, d: Duration): string {
  const ms = millisecondsOf(d);
  if (!Number.isInteger(ms) || ms < 1) {
    fail(problem(field, 'must be a whole number of milliseconds, at least 1ms', `${ms}ms`));
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
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
