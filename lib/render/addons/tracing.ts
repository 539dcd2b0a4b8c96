import { Yaml } from 'cdk8s';
import { addonConfigMap, addonDeployment, addonService, httpProbe, resourcesOf, restrictedContainer } from './common';
import { ADDON_NAMES, ADDON_PORTS, AddonsModel, TracingModel } from './model';
import { Manifest } from '../model';

const P = ADDON_PORTS;
const HEALTH_PORT = 13133;
const METRICS_PORT = 8888;

/**
 * Jaeger v2's `config.yaml`: all-in-one (OTLP, Jaeger and Zipkin receivers, query UI under
 * `/jaeger`), Badger storage on the pod's scratch volume, every trace kept (Istio samples).
 */
export function jaegerConfig(): string {
  const any = (port: number) => `0.0.0.0:${port}`;
  return Yaml.stringify({
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp', 'jaeger', 'zipkin'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: { level: 'detailed', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: METRICS_PORT } } } }] },
        logs: { level: 'info' },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: any(HEALTH_PORT) } },
      jaeger_query: {
        base_path: '/jaeger',
        storage: { traces: 'badger_storage' },
        http: { endpoint: any(P.jaegerQuery) },
        grpc: { endpoint: any(P.jaegerGrpcQuery) },
      },
      jaeger_storage: { backends: { badger_storage: { badger: { ephemeral: false, directories: { keys: '/badger/key', values: '/badger/data' } } } } },
    },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: any(P.otlpGrpc) }, http: { endpoint: any(P.otlpHttp) } } },
      jaeger: { protocols: { grpc: { endpoint: any(P.jaegerGrpc) }, thrift_http: { endpoint: any(P.jaegerThriftHttp) } } },
      zipkin: { endpoint: any(P.zipkin) },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'badger_storage' } },
  });
}

/** Jaeger: Deployment and config `jaeger`, Services `tracing` (query), `zipkin` (Zipkin API) and `jaeger-collector`. */
function renderJaeger(m: AddonsModel, t: TracingModel): Manifest[] {
  const app = ADDON_NAMES.jaeger;
  return [
    addonDeployment(m, {
      app,
      runAsUser: 10001,
      recreate: true,
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(METRICS_PORT) },
      containers: [{
        name: 'jaeger',
        image: t.image,
        args: ['--config', '/jaeger-configuration/config.yaml'],
        ports: [
          { name: 'http-query', containerPort: P.jaegerQuery },
          { name: 'grpc-query', containerPort: P.jaegerGrpcQuery },
          { name: 'grpc-otel', containerPort: P.otlpGrpc },
          { name: 'http-otel', containerPort: P.otlpHttp },
          { name: 'http-zipkin', containerPort: P.zipkin },
        ],
        readinessProbe: httpProbe('/status', HEALTH_PORT),
        livenessProbe: httpProbe('/status', HEALTH_PORT),
        volumeMounts: [{ name: 'data', mountPath: '/badger' }, { name: 'config', mountPath: '/jaeger-configuration', readOnly: true }],
        securityContext: restrictedContainer(true),
        resources: resourcesOf(t.resources),
      }],
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'config', configMap: { name: app } }],
    }),
    addonService(m, ADDON_NAMES.tracing, app, [
      { name: 'http-query', port: P.tracingQuery, targetPort: P.jaegerQuery },
      { name: 'grpc-query', port: P.jaegerGrpcQuery },
    ]),
    addonConfigMap(m, app, app, { 'config.yaml': jaegerConfig() }),
    // Jaeger speaks the Zipkin API: Istio's Zipkin tracer and other Zipkin clients find it as `zipkin`.
    addonService(m, ADDON_NAMES.zipkin, app, [{ name: 'http-query', port: P.zipkin }]),
    addonService(m, ADDON_NAMES.jaegerCollector, app, [
      { name: 'jaeger-collector-http', port: P.jaegerThriftHttp, appProtocol: 'http' },
      { name: 'jaeger-collector-grpc', port: P.jaegerGrpc, appProtocol: 'grpc' },
      { name: 'http-zipkin', port: P.zipkin },
      { name: 'grpc-otel', port: P.otlpGrpc },
      { name: 'http-otel', port: P.otlpHttp },
    ]),
  ];
}

/** Zipkin (in-memory): Deployment `zipkin`, Services `tracing` (UI on 80) and `zipkin` (API on 9411). */
function renderZipkin(m: AddonsModel, t: TracingModel): Manifest[] {
  const app = ADDON_NAMES.zipkin;
  return [
    addonDeployment(m, {
      app,
      runAsUser: 1000,
      containers: [{
        name: 'zipkin',
        image: t.image,
        env: [{ name: 'STORAGE_METHOD', value: 'mem' }],
        ports: [{ name: 'http-query', containerPort: P.zipkin }],
        readinessProbe: httpProbe('/health', P.zipkin, { initialDelaySeconds: 5, periodSeconds: 5 }),
        securityContext: restrictedContainer(false),
        resources: resourcesOf(t.resources),
      }],
    }),
    addonService(m, ADDON_NAMES.tracing, app, [{ name: 'http-query', port: P.tracingQuery, targetPort: P.zipkin }]),
    addonService(m, ADDON_NAMES.zipkin, app, [{ name: 'http-query', port: P.zipkin }]),
  ];
}

/** The tracing back-end's objects. */
export function renderTracing(m: AddonsModel, t: TracingModel): Manifest[] {
  return t.kind === 'jaeger' ? renderJaeger(m, t) : renderZipkin(m, t);
}
