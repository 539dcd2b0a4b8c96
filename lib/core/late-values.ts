/**
 * Values known only later, when a Pulumi program deploys (a `pulumi.Output<string>`), stand in the constructs' string
 * props as tokens: `mesh-kit-input-<n>z`, lower-case letters, digits and `-`, so that a token alone or inside a longer
 * string (`mesh-kit-input-3z.example.com`) passes the checks of a DNS label, a host name or a label value unchanged.
 * A check that meets a token records itself instead of judging it; the Pulumi host runs the recorded checks again on
 * the resolved values, before any resource is registered with them. The cdk8s path never meets a token.
 *
 * @module
 */

import { ProblemLike } from './errors';

const PREFIX = 'mesh-kit-input-';
const TOKEN = /mesh-kit-input-\d+z/g;
const ONE_TOKEN = /mesh-kit-input-\d+z/;

/** A check recorded for a value holding tokens: run again once the tokens resolve. */
export interface DeferredCheck {
  readonly field: string;
  /** The value as the construct saw it, tokens included. */
  readonly template: string;
  readonly check: (field: string, value: string) => ProblemLike | undefined;
}

let next = 0;
const byToken = new Map<string, DeferredCheck[]>();

/** Whether any token was ever made (when none was, no object can hold one). @internal */
export function anyTokens(): boolean {
  return next > 0;
}

/** A new token. @internal */
export function newToken(): string {
  return `${PREFIX}${next++}z`;
}

/** The tokens a text holds, each once, in order. @internal */
export function tokensIn(text: string): string[] {
  return [...new Set(text.match(TOKEN) ?? [])];
}

/** Whether a value is a string holding a token. @internal */
export function holdsToken(value: unknown): value is string {
  return typeof value === 'string' && value.includes(PREFIX) && ONE_TOKEN.test(value);
}

/**
 * When `value` holds a token, records `check` to run on the resolved value and returns true (the caller judges
 * nothing now); otherwise returns false. @internal
 */
export function deferIfLate(field: string, value: unknown, check: (field: string, value: string) => ProblemLike | undefined): boolean {
  if (!holdsToken(value)) return false;
  const d = { field, template: value, check };
  for (const t of tokensIn(value)) byToken.set(t, [...(byToken.get(t) ?? []), d]);
  return true;
}

/** The checks recorded for values holding any of these tokens. @internal */
export function checksFor(tokens: readonly string[]): DeferredCheck[] {
  return [...new Set(tokens.flatMap(t => byToken.get(t) ?? []))];
}

/** Replaces every token of a text with its value. @internal */
export function substitute(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(TOKEN, t => values.get(t) ?? t);
}
