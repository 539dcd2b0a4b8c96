import { TrafficExpectation, checkExpectation, compareResult } from './expect';
import { Mesh, requestText } from './mesh';
import { TrafficRequest } from './types';
import { MeshValidationError, showValue } from '../core/errors';

/**
 * The matchers {@link meshMatchers} adds to a test runner's `expect` (Jest's `expect.extend`, Vitest's too): merge them
 * into its `Matchers` interface to type them, e.g. with `@types/jest`:
 * `declare global { namespace jest { interface Matchers<R, T = {}> extends MeshMatchers<R> {} } }`.
 */
export interface MeshMatchers<R> {
  /** The request does what is expected (only the fields given are compared): `expect(mesh).toRoute(request, { versions: { v2: 100 } })`. */
  toRoute(request: TrafficRequest, expected: TrafficExpectation): R;
  /** The request is refused by authorization or mutual TLS. */
  toDeny(request: TrafficRequest): R;
}

/** What a test runner gives a matcher as `this` (only what these matchers read). */
interface MatcherContext {
  readonly isNot?: boolean;
}

interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

function asMesh(received: unknown, matcher: string): Mesh {
  if (!(received instanceof Mesh)) {
    throw new MeshValidationError(`${matcher}: expect() must be given a Mesh (Mesh.fromApp(app), Mesh.fromFiles('dist')): got ${showValue(received)}`);
  }
  return received;
}

function toRoute(this: MatcherContext, received: unknown, request: TrafficRequest, expected: TrafficExpectation): MatcherResult {
  const mesh = asMesh(received, 'toRoute');
  const result = mesh.request(request);
  const differences = compareResult(result, checkExpectation(expected));
  return {
    pass: differences.length === 0,
    message: () => (differences.length === 0
      ? `${requestText(request)} does what was expected not to happen: ${JSON.stringify(expected)}`
      : `${requestText(request)} does not do what is expected:\n  ${differences.join('\n  ')}`),
  };
}

function toDeny(this: MatcherContext, received: unknown, request: TrafficRequest): MatcherResult {
  const mesh = asMesh(received, 'toDeny');
  const result = mesh.request(request);
  return {
    pass: result.outcome === 'denied',
    message: () => (result.outcome === 'denied'
      ? `${requestText(request)} is denied: ${result.reason}`
      : `${requestText(request)} is not denied: ${result.outcome}, ${result.reason}`),
  };
}

/**
 * Matchers for Jest or Vitest: `expect.extend(meshMatchers)`, then
 * `expect(Mesh.fromApp(app)).toRoute({ gateway: 'shop/shop-gateway', host: 'shop.example.com', path: '/reviews' }, { versions: { v1: 90, v2: 10 } })`.
 */
export const meshMatchers = { toRoute, toDeny };
