import { App } from 'cdk8s';
import { MeshChart, MeshChartProps } from '@mesh-kit/core';

/**
 * The chart of one docs task's step, written to `<task>[.<step>].k8s.yaml`. The tasks are separate tutorials, and a
 * task's steps replace one another: every chart is an alternative (of its task's group), analyzed on its own, never
 * with the other tasks' objects or its siblings (the same names, gateways and certificates recur across them).
 */
export function taskChart(app: App, fileName: string, props: MeshChartProps = {}): MeshChart {
  return new MeshChart(app, fileName.replace(/\./g, '-'), { ...props, fileName, alternativeGroup: fileName.split('.')[0] });
}
