import {
  AuthorizedClient, HttpMethod, MeshApp, MeshChart, MeshClient, MeshNamespace, MeshProvider, MeshService, Probe, RequestMatch, ServiceAuthorization,
} from '@mesh-kit/core';

const app = new MeshApp();
const chart = new MeshChart(app, 'booksapp', { mesh: MeshProvider.LINKERD }); // or the Istio default: the same intent
const namespace = new MeshNamespace(chart, 'Namespace', { name: 'booksapp' });
const image = 'buoyantio/booksapp:v0.0.5';
const authors = new MeshService(chart, 'authors', { namespace, image, ports: [{ port: 7001 }], readinessProbe: Probe.http('/ping') });
const books = new MeshService(chart, 'books', { namespace, image, ports: [{ port: 7002 }] });
const webapp = new MeshService(chart, 'webapp', { namespace, image, ports: [{ port: 7000 }] });
const traffic = new MeshClient(chart, 'traffic', { namespace, image: 'buoyantio/booksapp-traffic:v0.0.3' }); // no Service: a load generator

// books may read authors but not modify them; webapp may do both
new ServiceAuthorization(chart, 'authors-callers', {
  service: authors,
  allowRequests: [
    {
      name: 'get',
      allowFrom: [AuthorizedClient.service(books), AuthorizedClient.service(webapp), AuthorizedClient.workload(traffic)],
      requests: [RequestMatch.exact('/authors.json', HttpMethod.GET), RequestMatch.pathPrefix('/authors/', HttpMethod.GET)],
    },
    {
      name: 'modify',
      allowFrom: [AuthorizedClient.service(webapp)],
      requests: [RequestMatch.pathPrefix('/authors/', HttpMethod.DELETE, HttpMethod.PUT), RequestMatch.exact('/authors.json', HttpMethod.POST)],
    },
  ],
});
// docs: end
app.synth();
