// References of a HelmRelease to objects the overlay does not build: valuesFrom
// (values-ref-missing, reference-typo), sourceRef / chartRef and dependsOn (reference-typo,
// reference-external), on the name that is written.

import * as path from 'path';
import { closest } from '../../engine/schema/suggest';
import { YNode, get, getString, isMap, isSeq } from '../../engine/yaml/node';
import { WorkspaceIndex } from '../workspaceIndex';
import { CheckContext, FileDiagnostic, at } from './types';

export function referencesCheck(ctx: CheckContext, root: YNode): FileDiagnostic[] {
  return ctx.isKust ? [] : references(ctx.index, root, ctx.file);
}

/** valuesFrom, sourceRef and dependsOn naming objects the overlay does not build. */
function references(index: WorkspaceIndex, root: YNode, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  if (!isMap(root)) return out;
  const kind = getString(root, 'kind');
  if (kind !== 'HelmRelease') return out;
  const spec = get(root, 'spec');
  const dir = index.kustomizationDirOf(file);
  const built =
    dir && index.kustomizationDirs.has(dir)
      ? (index.cachedBuild(dir) ?? index.build(dir))
      : undefined;
  const releaseName = getString(get(root, 'metadata'), 'name');
  const builtRelease = built?.objects.find(
    (o) =>
      getString(o.node, 'kind') === 'HelmRelease' &&
      getString(get(o.node, 'metadata'), 'name') === releaseName,
  );
  const namespace =
    getString(get(root, 'metadata'), 'namespace') ??
    getString(get(builtRelease?.node, 'metadata'), 'namespace');
  const builtObjects = built
    ? built.objects.map((o) => ({
        kind: getString(o.node, 'kind') ?? '',
        name: getString(get(o.node, 'metadata'), 'name') ?? '',
      }))
    : [];
  const builtNames = (k: string) => builtObjects.filter((o) => o.kind === k).map((o) => o.name);
  const check = (refKind: string, nameNode: YNode | undefined, what: string, optional = false) => {
    if (
      !nameNode ||
      nameNode.kind !== 'scalar' ||
      typeof nameNode.value !== 'string' ||
      nameNode.value.includes('${')
    )
      return;
    const name = nameNode.value;
    // The workspace's names by set (thousands of objects); the list only to suggest a name.
    if (index.objectNames(refKind).has(name) || builtNames(refKind).includes(name)) return;
    // A generator of this build (its output carries a hash suffix) or of another Flux
    // Kustomization of the workspace makes it: on real repositories that is where most of them
    // come from (redis-values, flux-kube-state-metrics-config in the corpus).
    if (index.generatedNames(refKind).has(name)) return;
    const candidates = [...builtNames(refKind), ...index.objects(refKind).map((o) => o.name)];
    if (what === 'valuesFrom' && index.valuesOptions.externalLookup?.(refKind, namespace, name))
      return;
    const near = closest(name, candidates);
    if (near && near !== name && candidates.length > 0) {
      const elsewhere =
        what === 'valuesFrom'
          ? ' (if another repository holds it, open it as a workspace folder or add it to fluxOverlays.extraRoots)'
          : '';
      out.push({
        ...at(nameNode.origin, file),
        severity: 'warning',
        code: 'reference-typo',
        message: `${what} ${refKind} '${name}' is not built by this overlay nor defined in the workspace; did you mean '${near}'?${elsewhere}`,
        data: { suggestion: near },
      });
    } else if (what === 'valuesFrom' && !optional) {
      // Nothing in the workspace or the extra roots holds or generates it: the values preview is
      // computed without it, and Flux fails the release unless the cluster has it. Said where
      // the reference is written, with the places searched. A warning for a ConfigMap
      // (configuration lives in git); a hint for a Secret, which repositories keep out of git on
      // purpose (created by hand, by Terraform, an operator: piksel-gitops's `jupyterhub`).
      const folders = index.roots.map((r) => path.posix.basename(r)).join(', ');
      const extra = index.extraRoots.length
        ? `fluxOverlays.extraRoots (${index.extraRoots.join(', ')})`
        : 'fluxOverlays.extraRoots (none set)';
      out.push({
        ...at(nameNode.origin, file),
        severity: refKind === 'Secret' ? 'hint' : 'warning',
        code: 'values-ref-missing',
        message: `valuesFrom ${refKind} '${name}' is not found: searched this build${dir ? ` (${path.posix.relative(index.roots.find((r) => dir.startsWith(r + '/')) ?? '/', dir) || '.'})` : ''}, the workspace folders (${folders}) and ${extra}. The values are computed without it, and Flux fails the release unless the cluster has it. If another repository holds it, open that repository as a workspace folder or add it to fluxOverlays.extraRoots`,
      });
    } else {
      out.push({
        ...at(nameNode.origin, file),
        severity: 'hint',
        code: 'reference-external',
        message: `${what} ${refKind} '${name}' is not built here; it must come from another Flux Kustomization or already exist in the cluster`,
      });
    }
  };
  const vf = get(spec, 'valuesFrom');
  if (isSeq(vf))
    for (const item of vf.items)
      check(
        getString(item, 'kind') ?? 'ConfigMap',
        get(item, 'name'),
        'valuesFrom',
        getString(item, 'optional') === 'true' ||
          (get(item, 'optional') as { value?: unknown } | undefined)?.value === true,
      );
  const chartSpec = get(get(get(spec, 'chart'), 'spec'), 'sourceRef');
  if (isMap(chartSpec))
    check(getString(chartSpec, 'kind') ?? 'HelmRepository', get(chartSpec, 'name'), 'sourceRef');
  const chartRef = get(spec, 'chartRef');
  if (isMap(chartRef))
    check(getString(chartRef, 'kind') ?? 'OCIRepository', get(chartRef, 'name'), 'chartRef');
  const deps = get(spec, 'dependsOn');
  if (isSeq(deps))
    for (const dep of deps.items) check('HelmRelease', get(dep, 'name'), 'dependsOn');
  return out;
}
