// The HelmRelease YAML the editor tests (test/unit/ide/*, test/lsp/*) write over and over: one
// builder, so a test says only what differs (name, chart, source, values) and a change of the
// Flux API version is made once. The text is block YAML in the usual field order.

export const HELM_RELEASE_API = 'helm.toolkit.fluxcd.io/v2';
export const KUSTOMIZATION_HEADER =
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';

export interface HelmReleaseSpec {
  name?: string;
  namespace?: string;
  /** `spec.interval` (10m unless given; null leaves it out). */
  interval?: string | null;
  /** `spec.chart.spec.chart` (the release name unless given). */
  chart?: string;
  /** `spec.chart.spec.sourceRef` (HelmRepository `charts` unless given). */
  source?: { kind?: string; name: string };
  valuesFrom?: { kind: string; name: string }[];
  /** `spec.values` as YAML text, unindented (`replicaCount: 1\nimage:\n  tag: v1\n`). */
  values?: string;
}

/** A HelmRelease document (ending with a newline). */
export function helmRelease(spec: HelmReleaseSpec = {}): string {
  const name = spec.name ?? 'app';
  const lines = [
    `apiVersion: ${HELM_RELEASE_API}`,
    'kind: HelmRelease',
    'metadata:',
    `  name: ${name}`,
  ];
  if (spec.namespace) lines.push(`  namespace: ${spec.namespace}`);
  lines.push('spec:');
  if (spec.interval !== null) lines.push(`  interval: ${spec.interval ?? '10m'}`);
  const source = spec.source ?? { name: 'charts' };
  lines.push(
    '  chart:',
    '    spec:',
    `      chart: ${spec.chart ?? name}`,
    '      sourceRef:',
    `        kind: ${source.kind ?? 'HelmRepository'}`,
    `        name: ${source.name}`,
  );
  if (spec.valuesFrom?.length) {
    lines.push('  valuesFrom:');
    for (const v of spec.valuesFrom) lines.push(`    - kind: ${v.kind}`, `      name: ${v.name}`);
  }
  if (spec.values !== undefined) {
    lines.push('  values:');
    for (const l of spec.values.replace(/\n$/, '').split('\n')) lines.push(`    ${l}`);
  }
  return lines.join('\n') + '\n';
}
