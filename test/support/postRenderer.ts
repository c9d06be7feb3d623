// A `helm template --post-renderer` script doing what helm-controller's post-renderers do
// (internal/postrender), each step with the reference `kubectl kustomize`: one kustomization per
// `postRenderers[].kustomize` holding helm-output.yaml with its patches and images (as
// kustomize.go writes it), then commonMetadata and the origin labels as builtin
// LabelTransformer/AnnotationsTransformer configs on metadata only, in fifo order (helm-controller
// reads and writes a ResMap there, it does not sort).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { KUBECTL } from './paths';

export interface HelmReleaseSteps {
  /** The HelmRelease's own name and namespace (the origin labels). */
  name: string;
  namespace: string;
  postRenderers?: unknown[];
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** The post-renderer script and its kustomization folders, as helm-controller would run them. */
export function writePostRenderer(dir: string, c: HelmReleaseSteps): string {
  const stages: string[] = [];
  (c.postRenderers ?? []).forEach((r, i) => {
    const k = (r as { kustomize?: { patches?: unknown[]; images?: unknown[] } }).kustomize;
    if (!k) return;
    const stage = path.join(dir, `kustomize-${i}`);
    fs.mkdirSync(stage);
    fs.writeFileSync(
      path.join(stage, 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['helm-output.yaml'],
        ...(k.patches ? { patches: k.patches } : {}),
        ...(k.images ? { images: k.images } : {}),
      }),
    );
    stages.push(stage);
  });
  const meta = path.join(dir, 'metadata');
  fs.mkdirSync(meta);
  const transformers: string[] = [];
  const transformer = (
    file: string,
    kind: string,
    field: string,
    pairs: Record<string, string>,
    fieldPath: string,
  ) => {
    fs.writeFileSync(
      path.join(meta, file),
      stringify({
        apiVersion: 'builtin',
        kind,
        metadata: { name: file.replace(/\.yaml$/, '') },
        [field]: pairs,
        fieldSpecs: [{ path: fieldPath, create: true }],
      }),
    );
    transformers.push(file);
  };
  if (c.commonMetadata?.labels)
    transformer(
      'common-labels.yaml',
      'LabelTransformer',
      'labels',
      c.commonMetadata.labels,
      'metadata/labels',
    );
  if (c.commonMetadata?.annotations)
    transformer(
      'common-annotations.yaml',
      'AnnotationsTransformer',
      'annotations',
      c.commonMetadata.annotations,
      'metadata/annotations',
    );
  transformer(
    'origin-labels.yaml',
    'LabelTransformer',
    'labels',
    { 'helm.toolkit.fluxcd.io/name': c.name, 'helm.toolkit.fluxcd.io/namespace': c.namespace },
    'metadata/labels',
  );
  fs.writeFileSync(
    path.join(meta, 'kustomization.yaml'),
    stringify({ resources: ['helm-output.yaml'], transformers, sortOptions: { order: 'fifo' } }),
  );
  stages.push(meta);
  const script = path.join(dir, 'post-render.sh');
  const lines = ['#!/bin/sh', 'set -e', `cat > '${stages[0]}/helm-output.yaml'`];
  for (let i = 1; i < stages.length; i++)
    lines.push(`'${KUBECTL}' kustomize '${stages[i - 1]}' > '${stages[i]}/helm-output.yaml'`);
  lines.push(`exec '${KUBECTL}' kustomize '${stages[stages.length - 1]}'`);
  fs.writeFileSync(script, lines.join('\n') + '\n', { mode: 0o755 });
  return script;
}
