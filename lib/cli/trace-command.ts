import { MeshValidationError } from '../core/errors';
import { Mesh, requestText } from '../dataplane/mesh';
import { TRAFFIC_PROTOCOLS, TrafficDestination, TrafficProtocol, TrafficRequest, TrafficResult } from '../dataplane/types';

export const TRACE_USAGE = `Usage: mesh-kit trace [options] FILE|DIR...

Says where one request goes in the manifests given (cdk8s dist, Helm output, kustomize build): the gateway
listener or the caller's data plane, the route and rule that take it, the destinations with their shares
and versions, the filters, the authorization verdict, or why nothing answers. Exits 0 when the request
could be traced (whatever its outcome), 2 on bad input.

Options:
  --from NAMESPACE/WORKLOAD  the calling workload (Deployment, StatefulSet, DaemonSet, Job or Pod)
  --gateway NAMESPACE/NAME   or: the gateway the request enters (Istio or Gateway API Gateway)
  --host HOST                the host called (a Service's short name resolves in the caller's namespace)
  --port PORT                the destination port
  --path PATH                the path, with any query (default: /)
  --method METHOD            the HTTP method (default: GET)
  --header 'Name: value'     a request header (repeatable)
  --query 'k=v'              a query parameter (repeatable)
  --protocol http|grpc|tcp|tls
                             what the client speaks (default: http)
  --sni NAME                 the TLS server name (default: the host)
  -o json                    the result as JSON
  -h, --help                 print this help
`;

class UsageError extends Error {}

interface TraceArgs {
  readonly request: TrafficRequest;
  readonly inputs: string[];
  readonly json: boolean;
  readonly help: boolean;
}

function parse(argv: readonly string[]): TraceArgs {
  const args = [...argv];
  const inputs: string[] = [];
  const headers: { [k: string]: string } = {};
  const query: { [k: string]: string } = {};
  const r: { -readonly [K in keyof TrafficRequest]?: TrafficRequest[K] } = {};
  let json = false;
  let help = false;
  const seen = new Set<string>();
  while (args.length > 0) {
    const a = args.shift()!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = args.shift();
      if (v === undefined || (v.startsWith('-') && v !== '-')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const once = () => {
      if (seen.has(flag)) throw new UsageError(`${flag} may be given once`);
      seen.add(flag);
    };
    switch (flag) {
      case '--from': once(); r.from = value(); break;
      case '--gateway': once(); r.gateway = value(); break;
      case '--host': once(); r.host = value(); break;
      case '--port': {
        once();
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--port must be a port number: got '${v}'`);
        r.port = Number(v);
        break;
      }
      case '--path': once(); r.path = value(); break;
      case '--method': once(); r.method = value(); break;
      case '--header': {
        const v = value();
        const i = v.indexOf(':');
        if (i <= 0) throw new UsageError(`--header must be 'Name: value': got '${v}'`);
        headers[v.slice(0, i).trim()] = v.slice(i + 1).trim();
        break;
      }
      case '--query': {
        const v = value();
        const i = v.indexOf('=');
        if (i <= 0) throw new UsageError(`--query must be 'name=value': got '${v}'`);
        query[v.slice(0, i)] = v.slice(i + 1);
        break;
      }
      case '--protocol': {
        once();
        const v = value();
        if (!TRAFFIC_PROTOCOLS.includes(v as TrafficProtocol)) throw new UsageError(`--protocol must be one of ${TRAFFIC_PROTOCOLS.join(', ')}: got '${v}'`);
        r.protocol = v as TrafficProtocol;
        break;
      }
      case '--sni': once(); r.sni = value(); break;
      case '-o': case '--output': {
        const v = value();
        if (v !== 'json' && v !== 'text') throw new UsageError(`-o must be json (or text): got '${v}'`);
        json = v === 'json';
        break;
      }
      case '-h': case '--help': help = true; break;
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option '${flag}'`);
        inputs.push(flag);
    }
  }
  if (Object.keys(headers).length > 0) r.headers = headers;
  if (Object.keys(query).length > 0) r.query = query;
  return { request: r, inputs, json, help };
}

/** The result as `mesh-kit trace -o json` prints it: a stable shape for scripts. */
export function traceJson(result: TrafficResult): object {
  return {
    outcome: result.outcome,
    status: result.status ?? null,
    route: result.route ? { kind: result.route.kind, namespace: result.route.namespace, name: result.route.name, rule: result.route.rule } : null,
    destinations: result.destinations.map(d => ({
      service: d.service, port: d.port ?? null, version: d.version ?? null, subset: d.subset ?? null, weight: d.weight,
    })),
    redirect: result.redirect,
    requestHeaders: result.requestHeaders,
    reason: result.reason,
  };
}

const DATA_PLANES: { readonly [k: string]: string } = {
  'istio-sidecar': 'Istio sidecar',
  'istio-gateway': 'Istio gateway',
  'istio-ambient': 'Istio ambient',
  'gateway-api': 'Gateway API gateway',
  'linkerd': 'Linkerd proxy',
  'kubernetes': 'no mesh: kube-proxy',
};

const VERDICT_TEXT: { readonly [v in NonNullable<TrafficDestination['authorization']>['verdict']]: string } = {
  allow: '✓ allowed', deny: '✗ denied', undecided: '? undecided',
};

function destinationLine(d: TrafficDestination): string {
  const where = `${d.service}${d.port !== undefined ? `:${d.port}` : ''}`;
  const what = [d.subset !== undefined ? `subset ${d.subset}` : undefined, d.version !== undefined ? `version ${d.version}` : undefined].filter(x => x).join(', ');
  const pods = d.workloads.length > 0 ? ` [${d.workloads.join(', ')}]` : '';
  const verdict = d.unavailable !== undefined ? `  ✗ unavailable: ${d.unavailable}`
    : d.authorization ? `  ${VERDICT_TEXT[d.authorization.verdict]} by ${d.authorization.enforcedBy}: ${d.authorization.reason}` : '';
  return `${`${Math.round(d.weight * 1000) / 1000}%`.padStart(8)}  ${where}${what ? ` (${what})` : ''}${pods}${verdict}`;
}

/** The result drawn for a person: the request, each hop, the route, the destinations as a tree, the outcome. */
export function traceText(request: TrafficRequest, result: TrafficResult): string {
  const lines = [`${requestText(request)}`, `  data plane: ${DATA_PLANES[result.dataPlane] ?? result.dataPlane}`];
  if (result.listener) {
    const l = result.listener;
    lines.push(`  listener:   ${l.kind} ${l.namespace}/${l.name}${l.listener ? ` '${l.listener}'` : ''} ${l.protocol} ${l.port}`
      + `${l.hostnames.length > 0 ? ` (${l.hostnames.join(', ')})` : ''}`);
  }
  for (const h of result.hops) lines.push(`  ${h.at} ${h.name}: ${h.decision}`);
  if (result.route) {
    const r = result.route;
    lines.push(`  route:      ${r.kind} ${r.namespace}/${r.name} rule ${r.rule}${r.ruleName ? ` '${r.ruleName}'` : ''}${r.match !== undefined ? `, match ${r.match}` : ''}`
      + `${r.delegatedFrom ? ` (delegated from ${r.delegatedFrom.kind} ${r.delegatedFrom.namespace}/${r.delegatedFrom.name} rule ${r.delegatedFrom.rule})` : ''}`);
  }
  if (result.envoy) {
    const e = result.envoy;
    const parts = (['listener', 'filterChain', 'routeConfig', 'virtualHost', 'route', 'cluster'] as const).filter(k => e[k] !== undefined).map(k => `${k} ${e[k]}`);
    if (parts.length > 0) lines.push(`  envoy:      ${parts.join(' · ')}`);
  }
  const f = result.filters;
  const filters = [
    f.rewrite ? `rewrite ${[f.rewrite.host !== undefined ? `host ${f.rewrite.host}` : '', f.rewrite.path !== undefined ? `path ${f.rewrite.path}` : ''].filter(x => x).join(' ')}` : '',
    f.requestHeaders ? 'request headers changed' : '',
    f.responseHeaders ? 'response headers changed' : '',
    f.fault?.delay ? `delay ${f.fault.delay.duration} on ${f.fault.delay.percent}%` : '',
    f.fault?.abort ? `abort ${f.fault.abort.status} on ${f.fault.abort.percent}%` : '',
    f.timeout !== undefined ? `timeout ${f.timeout}` : '',
    f.retries ? `${f.retries.attempts} retries${f.retries.perTryTimeout ? ` (${f.retries.perTryTimeout} each)` : ''}${f.retries.retryOn ? ` on ${f.retries.retryOn}` : ''}` : '',
    f.cors ? `CORS (${f.cors.allowOrigins.join(', ')})` : '',
    ...(f.mirrors ?? []).map(m => `mirror ${m.weight}% to ${m.service}${m.subset ? ` subset ${m.subset}` : ''}`),
  ].filter(x => x !== '');
  if (filters.length > 0) lines.push(`  filters:    ${filters.join('; ')}`);
  if (result.redirect) lines.push(`  redirect:   ${result.redirect.status} → ${result.redirect.location}`);
  result.destinations.forEach((d, i) => lines.push(`  ${i === result.destinations.length - 1 ? '└─' : '├─'}${destinationLine(d)}`));
  for (const n of result.notes) lines.push(`  note: ${n}`);
  lines.push(`${result.outcome}${result.status !== undefined ? ` (${result.status})` : ''}: ${result.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `mesh-kit trace`: returns the exit status (0 traced, 2 bad input). */
export function runTrace(argv: readonly string[], io: { out: (t: string) => void; err: (t: string) => void }): number {
  try {
    const args = parse(argv);
    if (args.help) {
      io.out(TRACE_USAGE);
      return 0;
    }
    if (args.inputs.length === 0) throw new UsageError('name at least one file or folder of manifests');
    if ((args.request.from === undefined) === (args.request.gateway === undefined)) throw new UsageError('give --from NAMESPACE/WORKLOAD or --gateway NAMESPACE/NAME');
    const mesh = Mesh.fromFiles(...args.inputs);
    for (const note of mesh.notes) io.err(`mesh-kit trace: note: ${note}\n`);
    const result = mesh.request(args.request);
    io.out(args.json ? `${JSON.stringify(traceJson(result), undefined, 2)}\n` : traceText(args.request, result));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`mesh-kit trace: ${e.message}\n\n${TRACE_USAGE}`);
      return 2;
    }
    if (e instanceof MeshValidationError) {
      io.err(`mesh-kit trace: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
