import { Tri } from './tri';

/**
 * The caller's IP address is not in the configuration: a pod's address lies somewhere in the cluster's pod networks,
 * a client outside the cluster anywhere. An address block decides only when it covers every such address (`yes`) or
 * none (`no`); otherwise the match is `unknown`.
 *
 * The pod networks are Linkerd's default `clusterNetworks` (linkerd2 `charts/linkerd-control-plane/values.yaml`:
 * `10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8`), taken as the IPv4 ones: pods are assumed IPv4.
 */
export const CLUSTER_NETWORKS: readonly string[] = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'];

/** Where the caller's address lies. */
export type AddressScope = 'pod' | 'external';

interface Block {
  readonly v6: boolean;
  /** IPv4: the first address and the prefix length. */
  readonly start: number;
  readonly bits: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An address or CIDR block (`10.0.0.0/8`, `192.168.10.15`, `::/0`); undefined when it is not one. */
export function parseBlock(text: string): Block | undefined {
  const [addr, len, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  if (addr.includes(':')) {
    if (!/^[0-9a-fA-F:.]+$/.test(addr)) return undefined;
    const bits = len === undefined ? 128 : Number(len);
    return Number.isInteger(bits) && bits >= 0 && bits <= 128 ? { v6: true, start: 0, bits } : undefined;
  }
  const m = IPV4.exec(addr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some(o => o > 255)) return undefined;
  const bits = len === undefined ? 32 : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const value = ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3];
  const blockSize = 2 ** (32 - bits);
  return { v6: false, start: Math.floor(value / blockSize) * blockSize, bits };
}

const size = (b: Block) => 2 ** (32 - b.bits);
/** `outer` holds every address of `inner`. */
const covers = (outer: Block, inner: Block) => !outer.v6 && !inner.v6 && outer.bits <= inner.bits
  && inner.start >= outer.start && inner.start + size(inner) <= outer.start + size(outer);
const overlaps = (a: Block, b: Block) => !a.v6 && !b.v6 && a.start < b.start + size(b) && b.start < a.start + size(a);

const CLUSTER_BLOCKS = CLUSTER_NETWORKS.map(n => parseBlock(n)!);
const EVERYTHING = parseBlock('0.0.0.0/0')!;

/** A network with exceptions (Linkerd's `networks[].cidr` and `except`). */
export interface Network {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/**
 * Whether the caller's address lies in one of the networks: `yes` when they hold every address the caller may have,
 * `no` when they hold none of them, else `unknown`. Unparseable blocks hold nothing (Istio's validation refuses them).
 */
export function addressIn(networks: readonly Network[], scope: AddressScope): Tri {
  const possible = scope === 'pod' ? CLUSTER_BLOCKS : [EVERYTHING];
  const parsed = networks.map(n => ({ net: parseBlock(n.cidr), except: (n.except ?? []).map(parseBlock).filter((b): b is Block => b !== undefined) }))
    .filter((n): n is { net: Block; except: Block[] } => n.net !== undefined);
  // every possible range held whole by one network, no exception cutting into it
  const all = possible.every(p => parsed.some(n => covers(n.net, p) && !n.except.some(e => overlaps(e, p))));
  if (all) return 'yes';
  // no network reaches any possible address (or its exceptions take all of it back)
  const none = possible.every(p => parsed.every(n => !overlaps(n.net, p) || n.except.some(e => covers(e, p))));
  return none ? 'no' : 'unknown';
}

/** The same for plain blocks (Istio's `ipBlocks`). */
export const addressInBlocks = (blocks: readonly string[], scope: AddressScope): Tri => addressIn(blocks.map(cidr => ({ cidr })), scope);
