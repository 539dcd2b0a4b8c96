/**
 * Bookinfo's sidecars scoped to what each service calls (`dist/sidecars.k8s.yaml`): the dependencies come from the
 * zero-trust policies of `security.ts` (productpage calls details and reviews, reviews calls ratings), declared once.
 * Apply after the platform, with or without the routing scenarios.
 */
import { App } from 'cdk8s';
import { Bookinfo } from './app';
import { MeshChart, SidecarScoping } from '@mesh-kit/core';

export function buildBookinfoSidecars(app: App, { productpage, details, reviews, ratings }: Bookinfo): MeshChart {
  const chart = new MeshChart(app, 'sidecars');
  new SidecarScoping(chart, 'scoping', { services: [productpage, details, reviews, ratings] });
  return chart;
}
