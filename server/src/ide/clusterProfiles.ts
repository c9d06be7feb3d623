// Cluster profiles the editor can offer for ${VAR} substitution: the ConfigMaps and Secrets that
// Flux Kustomizations name in postBuild.substituteFrom (d1-fleet's and keos-fleet's
// `flux-runtime-info`), plus ConfigMaps whose name says they describe a cluster, so a picker
// lists real profiles instead of every YAML file under clusters/.

import { get, getString, isMap, isSeq } from '../engine/yaml/node';
import { WorkspaceIndex } from './workspaceIndex';

export interface PlainClusterProfile {
  file: string;
  name: string;
  variables: number;
  detail?: string;
}

const CLUSTER_LIKE = /(runtime-info|cluster-(vars|config|info|settings)|cluster-profile)/;

export function clusterProfiles(index: WorkspaceIndex): PlainClusterProfile[] {
  // Names that some Flux Kustomization substitutes from, with who names them.
  const named = new Map<string, string>();
  for (const k of index.objects('Kustomization')) {
    const parsed = index.parse(k.file);
    for (const d of parsed?.documents ?? []) {
      if (
        !isMap(d.root) ||
        !(getString(d.root, 'apiVersion') ?? '').startsWith('kustomize.toolkit.fluxcd.io/')
      )
        continue;
      const from = get(get(get(d.root, 'spec'), 'postBuild'), 'substituteFrom');
      if (!isSeq(from)) continue;
      for (const item of from.items) {
        const n = getString(item, 'name');
        if (n && !named.has(n))
          named.set(
            n,
            `substituteFrom of Kustomization ${getString(get(d.root, 'metadata'), 'name') ?? ''}`,
          );
      }
    }
  }
  const out: PlainClusterProfile[] = [];
  for (const kind of ['ConfigMap', 'Secret']) {
    for (const o of index.objects(kind)) {
      if (!named.has(o.name) && !(kind === 'ConfigMap' && CLUSTER_LIKE.test(o.name))) continue;
      const doc = index
        .parse(o.file)
        ?.documents.find(
          (d) =>
            getString(get(d.root, 'metadata'), 'name') === o.name &&
            getString(d.root, 'kind') === kind,
        );
      const data = get(doc?.root, 'data');
      const p: PlainClusterProfile = {
        file: o.file,
        name: o.name,
        variables: isMap(data) ? data.pairs.length : 0,
      };
      const why = named.get(o.name);
      if (why) p.detail = why;
      out.push(p);
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
