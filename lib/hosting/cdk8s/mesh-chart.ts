import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioApiVersion, MeshSettings } from '../../core/settings';

/** Props of a {@link MeshChart}. */
export interface MeshChartProps extends ChartProps {
  /**
   * The Istio API version of every Istio object in this chart.
   * @default - the app's setting ({@link MeshSettings.apply}), else IstioApiVersion.V1
   */
  readonly istioApiVersion?: IstioApiVersion;
}

/**
 * A cdk8s chart that carries mesh settings for everything in it. Synthesizes to one file,
 * `<id>.k8s.yaml`, so each chart is something a pipeline can apply on its own.
 */
export class MeshChart extends Chart {
  public constructor(scope: Construct, id: string, props: MeshChartProps = {}) {
    super(scope, id, props);
    MeshSettings.apply(this, { istioApiVersion: props.istioApiVersion });
  }
}
