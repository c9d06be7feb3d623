// buildMetadata of the root kustomization: managedByLabel, and the origin and transformer
// annotations (recorded on the resources while building, written here at the end).

import { YMap, get, isMap, map, scalar, set } from '../../yaml/node';
import { KustomizationFile, stringList } from '../kustomizationFile';
import { Resource } from '../resource';
import { applyLabels } from '../transformers';
import { Step } from './step';

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

export interface BuildMetadata {
  originAnnotations: boolean;
  transformerAnnotations: boolean;
  managedByLabel: boolean;
}

/** The root's buildMetadata (kustomize applies the root's to every level). */
export function readBuildMetadata(k: KustomizationFile): BuildMetadata {
  const meta = stringList(k, 'buildMetadata').map((e) => e.value);
  return {
    originAnnotations: meta.includes('originAnnotations'),
    transformerAnnotations: meta.includes('transformerAnnotations'),
    managedByLabel: meta.includes('managedByLabel'),
  };
}

function setAnnotation(r: Resource, key: string, value: string): void {
  let meta = get(r.node, 'metadata');
  if (!isMap(meta)) {
    meta = map();
    set(r.node, 'metadata', meta);
  }
  let ann = get(meta, 'annotations');
  if (!isMap(ann)) {
    ann = map();
    set(meta, 'annotations', ann);
  }
  set(ann as YMap, key, scalar(value));
}

export const buildMetadataStep: Step = {
  name: 'buildMetadata',
  fields: ['buildMetadata'],
  run(resources, ctx) {
    const meta = readBuildMetadata(ctx.k);
    if (meta.managedByLabel) {
      // kubectl's embedded kustomize reports its version as "(devel)".
      applyLabels(
        resources,
        [['app.kubernetes.io/managed-by', 'kustomize-(devel)']],
        [{ path: 'metadata/labels', create: true }],
        undefined,
      );
    }
    if (meta.transformerAnnotations) {
      for (const r of resources) {
        if (!r.transformations?.length) continue;
        setAnnotation(
          r,
          TRANSFORMATIONS_ANNOTATION,
          r.transformations
            .map(
              (t) =>
                `- configuredIn: ${t.configuredIn}\n  configuredBy:\n    apiVersion: builtin\n    kind: ${t.kind}\n`,
            )
            .join(''),
        );
      }
    }
    if (meta.originAnnotations) {
      for (const r of resources) {
        if (r.generatedOrigin) {
          setAnnotation(
            r,
            ORIGIN_ANNOTATION,
            `configuredIn: ${r.generatedOrigin.configuredIn}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${r.generatedOrigin.kind}\n`,
          );
        } else if (r.originPath) {
          setAnnotation(r, ORIGIN_ANNOTATION, `path: ${r.originPath}\n`);
        }
      }
    }
    return resources;
  },
};
