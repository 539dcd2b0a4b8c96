import { X509Certificate } from 'crypto';
import { GatewaySpec, ServiceSpec } from './types';
import { EXTERNALS_FILE, ISTIO_DEFAULTS_FILE, hostsMatch, list, nameOf, selectorString, selects, strs } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, PodTemplateRef, RawFinding } from '../model';

const NET = 'networking.istio.io';
const name = nameOf;
const gwSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as GatewaySpec;
const gateways = (ctx: AnalysisContext) => ctx.of('Gateway', NET);

/** The pods a Gateway's selector picks (any namespace: the gateway workload runs where it is installed). */
const gatewayPods = (ctx: AnalysisContext, gw: AnalyzedObject): PodTemplateRef[] => ctx.podsSelectedBy(gwSpec(gw).selector ?? {});

/** The one message for a Gateway whose selector picks no pod, shared by the checks that need its pods (so that it is reported once). */
function noWorkload(gw: AnalyzedObject): RawFinding[] {
  const selector = selectorString(gwSpec(gw).selector);
  return [{
    object: gw,
    message: `Gateway '${name(gw)}' selects the gateway workload '${selector}', but no pod has those labels: the gateway configures nothing`,
    field: 'spec.selector',
    value: gwSpec(gw).selector ?? {},
    fix: `install a gateway whose pods carry ${selector}, change spec.selector to the labels of an installed gateway's pods (e.g. istio=ingressgateway), `
      + 'or declare the gateway\'s pods (analysis.externals)',
  }];
}

const portAnalyzer = 'gateway.IngressGatewayPortAnalyzer';

const gatewayWithoutWorkload: Analyzer = {
  analyzer: portAnalyzer,
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a Gateway\'s selector picks no pod',
  run: ctx => gateways(ctx).flatMap(gw => (gatewayPods(ctx, gw).length === 0 ? noWorkload(gw) : [])),
};

const gatewayPortNotOnService: Analyzer = {
  analyzer: portAnalyzer,
  code: 'IST0162',
  name: 'GatewayPortNotDefinedOnService',
  level: FindingLevel.WARNING,
  description: 'a Gateway listens on a port that no Service of its gateway pods exposes',
  run: ctx => gateways(ctx).flatMap(gw => {
    const pods = gatewayPods(ctx, gw);
    if (pods.length === 0) return [];
    // an app's stand-in for Istio's installed gateway (or the pods externals.workloads declares) says that it exists,
    // not how its Service maps ports
    if (ctx.world === 'partial' && pods.every(p => p.object.file === ISTIO_DEFAULTS_FILE || p.object.file === EXTERNALS_FILE)) return [];
    const ports = new Set<number>();
    for (const pod of pods) {
      for (const s of ctx.of('Service', '').filter(x => ctx.namespaceOf(x) === pod.namespace)) {
        const spec = (s.manifest.spec ?? {}) as ServiceSpec;
        const sel = spec.selector ?? {};
        if (Object.keys(sel).length === 0 || !selects(sel, pod.labels)) continue;
        for (const p of list(spec.ports)) {
          if ((p?.protocol ?? 'TCP') !== 'TCP' || p.port === undefined) continue;
          ports.add(p.port);
          // the gateway pod listens on the target port: a server on it is reachable through the Service
          if (typeof p.targetPort === 'number') ports.add(p.targetPort);
        }
      }
    }
    const exposed = [...ports].sort((a, b) => a - b);
    return list(gwSpec(gw).servers).map((s, i) => ({ s, i }))
      .filter(({ s }) => s?.port?.number !== undefined && !ports.has(s.port.number)).map(({ s, i }) => ({
        object: gw,
        message: `Gateway '${name(gw)}' listens on port ${s.port?.number}, which no Service of its gateway pods (${selectorString(gwSpec(gw).selector)}) exposes`,
        field: `spec.servers[${i}].port.number`,
        value: s.port?.number,
        fix: `add port ${s.port?.number} to the Service of the gateway pods, or listen on a port it exposes${exposed.length > 0 ? ` (${exposed.join(', ')})` : ''}`,
      }));
  }),
};

const secretAnalyzer = 'gateway.SecretAnalyzer';

const gatewayWithoutWorkloadForSecrets: Analyzer = { ...gatewayWithoutWorkload, analyzer: secretAnalyzer };

/** The credentialNames of the Gateways whose pods exist, with the namespace the pods (and so the Secrets) are in. */
const credentials = (ctx: AnalysisContext) => gateways(ctx).flatMap(gw => {
  const pod = gatewayPods(ctx, gw)[0];
  return pod ? list(gwSpec(gw).servers).flatMap((s, i) => credentialFields(s, i)).map(c => ({ gw, namespace: pod.namespace, ...c })) : [];
});

const credentialNotFound: Analyzer = {
  analyzer: secretAnalyzer,
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a Gateway server\'s credentialName is no Secret of the namespace its gateway pods run in',
  run: ctx => credentials(ctx).filter(c => !ctx.secretExists(c.namespace, c.cn)).map(({ gw, namespace, cn, field }) => ({
    object: gw,
    message: `Gateway '${name(gw)}' names credentialName '${cn}', which is no Secret of namespace '${namespace}' where its gateway pods run`,
    field,
    value: cn,
    fix: `create the TLS Secret '${cn}' in namespace '${namespace}' (kubectl create secret tls ${cn} -n ${namespace} --cert=... --key=...), or name a Secret of that namespace`,
  })),
};

/** A server's credential names with their fields (`spec.servers[1].tls.credentialNames[0]`). */
const credentialFields = (s: NonNullable<GatewaySpec['servers']>[number] | undefined, i: number): Array<{ cn: string; field: string }> => [
  { cn: s?.tls?.credentialName, field: `spec.servers[${i}].tls.credentialName` },
  ...list(s?.tls?.credentialNames as unknown[] | undefined).map((cn, j) => ({ cn, field: `spec.servers[${i}].tls.credentialNames[${j}]` })),
].filter((c): c is { cn: string; field: string } => typeof c.cn === 'string' && c.cn !== '');

/** What is wrong with a TLS Secret's data, if anything (istio/istio: gateway.SecretAnalyzer, InvalidGatewayCredential). */
export function credentialProblem(secret: AnalyzedObject, now: Date = new Date()): string | undefined {
  const data = { ...((secret.manifest.data ?? {}) as { [k: string]: string }) };
  const string = (secret.manifest.stringData ?? {}) as { [k: string]: string };
  const read = (k: string): Buffer | undefined => (string[k] !== undefined ? Buffer.from(String(string[k])) : data[k] !== undefined ? Buffer.from(String(data[k]), 'base64') : undefined);
  const cert = read('tls.crt') ?? read('cert');
  const key = read('tls.key') ?? read('key');
  if (!cert || !key) return `has no ${!cert ? 'certificate (tls.crt or cert)' : 'private key (tls.key or key)'}`;
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(cert);
  } catch {
    return 'holds a certificate that is not a valid PEM X.509 certificate';
  }
  if (new Date(parsed.validTo).getTime() < now.getTime()) return `holds a certificate that expired on ${new Date(parsed.validTo).toISOString().slice(0, 10)}`;
  return undefined;
}

const invalidCredential: Analyzer = {
  analyzer: secretAnalyzer,
  code: 'IST0161',
  name: 'InvalidGatewayCredential',
  level: FindingLevel.ERROR,
  description: 'a Gateway\'s credentialName Secret has no certificate or key, an unreadable certificate, or an expired one',
  run: ctx => credentials(ctx).flatMap(({ gw, namespace, cn, field }) => {
    const secret = ctx.find('Secret', '', namespace, cn);
    const why = secret ? credentialProblem(secret) : undefined;
    if (!why) return [];
    const fix = why.startsWith('has no certificate') ? `put the PEM certificate chain in tls.crt of Secret '${namespace}/${cn}'`
      : why.startsWith('has no private key') ? `put the PEM private key in tls.key of Secret '${namespace}/${cn}'`
        : why.includes('expired') ? `renew the certificate in tls.crt of Secret '${namespace}/${cn}'`
          : `put a PEM X.509 certificate (-----BEGIN CERTIFICATE-----) in tls.crt of Secret '${namespace}/${cn}'`;
    return [{ object: gw, message: `Gateway '${name(gw)}' credentialName '${cn}': Secret '${namespace}/${cn}' ${why}`, field, value: cn, fix }];
  }),
};

const conflictingGateways: Analyzer = {
  analyzer: 'gateway.ConflictingGatewayAnalyzer',
  code: 'IST0145',
  name: 'ConflictingGateways',
  level: FindingLevel.ERROR,
  description: 'Gateways that configure a common gateway pod listen on one port for overlapping hosts',
  run: ctx => {
    const gws = gateways(ctx);
    const pods = new Map(gws.map(g => [g, new Set(gatewayPods(ctx, g))]));
    const sameWorkload = (a: AnalyzedObject, b: AnalyzedObject) => selectorString(gwSpec(a).selector) === selectorString(gwSpec(b).selector)
      || [...pods.get(a)!].some(p => pods.get(b)!.has(p));
    return gws.flatMap(gw => list(gwSpec(gw).servers).flatMap((server, i) => {
      const port = server?.port?.number;
      if (port === undefined) return [];
      const others = gws.filter(o => o !== gw && `${ctx.namespaceOf(o)}/${name(o)}` !== `${ctx.namespaceOf(gw)}/${name(gw)}` && sameWorkload(gw, o)
        && list(gwSpec(o).servers).some(os => os?.port?.number === port
          && strs(server.hosts).some(h => strs(os.hosts).some(oh => hostsMatch(bare(h), bare(oh))))));
      return others.length > 0 ? [{
        object: gw,
        message: `Gateway '${name(gw)}' conflicts with ${others.map(o => `'${ctx.namespaceOf(o)}/${name(o)}'`).join(', ')} on port ${port} for hosts ${strs(server.hosts).join(', ')} (gateway pods ${selectorString(gwSpec(gw).selector)})`,
        field: `spec.servers[${i}].hosts`,
        value: strs(server.hosts),
        fix: `serve hosts that do not overlap on port ${port}, or merge the servers of ${others.map(o => `'${ctx.namespaceOf(o)}/${name(o)}'`).join(', ')} and '${ctx.namespaceOf(gw)}/${name(gw)}' into one Gateway`,
      }] : [];
    }));
  },
};
const bare = (h: string) => (h.includes('/') ? h.split('/', 2)[1] : h);

const duplicateCertificate: Analyzer = {
  analyzer: 'gateway.CertificateAnalyzer',
  code: 'IST0138',
  name: 'GatewayDuplicateCertificate',
  level: FindingLevel.WARNING,
  description: 'Gateways of the same gateway pods use one certificate for different servers (HTTP/2 connection reuse then sends requests to the wrong server)',
  run: ctx => {
    const gws = gateways(ctx);
    const certFields = (g: AnalyzedObject) => list(gwSpec(g).servers).flatMap((s, i) => [
      ...credentialFields(s, i),
      ...(s?.tls?.serverCertificate ? [{ cn: `file:${s.tls.serverCertificate}|${s.tls.privateKey ?? ''}`, field: `spec.servers[${i}].tls.serverCertificate` }] : []),
    ]);
    const certs = (g: AnalyzedObject) => certFields(g).map(c => c.cn);
    return gws.flatMap(gw => {
      const selector = gwSpec(gw).selector ?? {};
      const mine = certs(gw);
      const clash = gws.find(o => o !== gw && selects(selector, gwSpec(o).selector ?? {}) && certs(o).some(c => mine.includes(c)));
      if (!clash) return [];
      const shared = certFields(gw).find(c => certs(clash).includes(c.cn))!;
      const shown = shared.cn.startsWith('file:') ? shared.cn.slice(5).split('|')[0] : shared.cn;
      return [{
        object: gw,
        message: `Gateway '${name(gw)}' uses certificate '${shown}' that Gateway '${ctx.namespaceOf(clash)}/${name(clash)}' of the same gateway pods also uses`,
        field: shared.field,
        value: shown,
        fix: `give each server its own certificate: a ${shared.cn.startsWith('file:') ? 'serverCertificate' : 'credentialName'} for Gateway '${name(gw)}' other than the one Gateway '${name(clash)}' uses`,
      }];
    });
  },
};

/** The Gateway checks. */
export const GATEWAY_ANALYZERS: Analyzer[] = [
  gatewayWithoutWorkload, gatewayPortNotOnService, gatewayWithoutWorkloadForSecrets, credentialNotFound, invalidCredential, conflictingGateways,
  duplicateCertificate,
];
