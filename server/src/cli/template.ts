// `flux-overlays template DIR... [--release NS/NAME] [--json] [--kube-version V]
// [--api-versions G/V]... [--offline] [--show-origin] [--show-secrets]`: the objects each HelmRelease of an
// overlay installs, rendered in process from its chart on disk (the same chart discovery as
// `values`), in Helm's install order, then post-rendered as helm-controller does
// (spec.postRenderers, spec.commonMetadata, its origin labels). YAML with `# Source:` lines, or JSON
// {DIR: {"NS/NAME": [objects]}}. Secrets are masked unless --show-secrets. Nothing is fetched:
// a chart that is not on disk is reported (--offline is accepted for scripts that pass it).

import * as path from 'path';
import {
  DiskFileSystem,
  FileSystem,
  Chart,
  LineOrigin,
  Origin,
  RenderedObject,
  ReleaseManifests,
  YNode,
  emitYaml,
  fieldOrigins,
  getPath,
  isMap,
  isSeq,
  valuesPathText,
  secretMark,
  runOverlay,
  renderReleaseManifests,
  parseKubeVersion,
} from '../engine';
import { describeOrigin } from './format';
import { ParsedArgs, UsageError, lastValue } from './args';
import { registerCommand } from './main';
import { SHARED_VALUES, buildError, evalOptions, releaseFilter } from './values';
import { problemLine } from './problems';
import { stringify } from 'yaml';

export const TEMPLATE_USAGE =
  'usage: flux-overlays template DIR... [--release NS/NAME] [--json] [--kube-version V] [--api-versions G/V]... [--offline] [--show-origin] [--show-secrets]';

/**
 * Where the value at `p` of a release's values was set: a leaf's own origin; a map's or list's
 * key line, in the layer that set the value.
 */
function whereSet(values: YNode | undefined, p: readonly (string | number)[]): Origin | undefined {
  if (p.length === 0) return undefined;
  const parent = getPath(values, p.slice(0, -1));
  const last = p[p.length - 1];
  if (typeof last === 'number') return isSeq(parent) ? parent.items[last]?.origin : undefined;
  const pair = isMap(parent) ? parent.pairs.find((x) => x.key === last) : undefined;
  if (!pair) return undefined;
  const v = pair.value;
  if (v.kind === 'scalar' || !pair.keyOrigin) return v.origin;
  return { ...pair.keyOrigin, by: v.origin?.by ?? pair.keyOrigin.by };
}

/**
 * `--show-origin`: a rendered node read from the template output says the template line that
 * wrote it (`podinfo/templates/deployment.yaml:10`) and, when it printed a value of .Values,
 * where that value was set as `values --show-origin` says (the release's values, a chart's
 * values.yaml, in a folder or inside a .tgz); a subchart's value also says its place in the
 * release's values. Nodes post-rendering set say their own origin.
 */
function originDescriber(
  rel: ReleaseManifests,
  o: RenderedObject,
): { node: (origin: Origin) => string; line: (lo: LineOrigin) => string } {
  const line = (lo: LineOrigin): string => {
    let s = `${lo.template}:${lo.line}`;
    if (lo.values) {
      const at = whereSet(rel.values, lo.releaseValues ?? lo.values);
      s += `, ${valuesPathText(lo.values)}`;
      if (lo.releaseValues)
        s += ` (${valuesPathText(lo.releaseValues).slice('.Values.'.length)} in the release's values)`;
      if (at) s += ` from ${describeOrigin(at)}`;
    }
    // Other values the line printed (`image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"`).
    for (const p of lo.also ?? []) {
      const at = whereSet(rel.values, p);
      s += `, ${valuesPathText(p)}${lo.releaseValues ? " (in the release's values)" : ''}`;
      if (at) s += ` from ${describeOrigin(at)}`;
    }
    return s;
  };
  const node = (origin: Origin): string => {
    if (origin.by || origin.file !== o.source) return describeOrigin(origin);
    const lo = o.lineOrigins?.[origin.line - 1];
    return lo ? line(lo) : `${o.source} (rendered line ${origin.line})`;
  };
  return { node, line };
}

function masked(o: RenderedObject, show: boolean): { object: unknown; text: string } {
  const obj = o.object as {
    kind?: string;
    apiVersion?: string;
    data?: Record<string, unknown>;
    stringData?: Record<string, unknown>;
  } | null;
  if (show || !obj || obj.kind !== 'Secret' || (obj.apiVersion ?? 'v1') !== 'v1')
    return { object: o.object, text: o.text };
  const copy = JSON.parse(JSON.stringify(obj)) as typeof obj;
  for (const f of ['data', 'stringData'] as const) {
    const m = copy[f];
    if (m && typeof m === 'object') for (const k of Object.keys(m)) m[k] = secretMark(String(m[k]));
  }
  return { object: copy, text: stringify(copy).trimEnd() };
}

export function runTemplate(
  args: ParsedArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  if (args.positionals.length === 0) throw new UsageError(TEMPLATE_USAGE);
  const fs = new DiskFileSystem();
  const base = evalOptions(args, fs, err, args.positionals);
  const options = {
    ...base,
    showSecrets: true,
    releaseFilter: releaseFilter(lastValue(args, 'release')),
  };
  const show = args.flags.has('show-secrets');
  const kubeVersion = lastValue(args, 'kube-version');
  // helm template refuses a version it cannot read; rendering with its default instead would
  // be a silently different answer.
  if (kubeVersion !== undefined && !parseKubeVersion(kubeVersion))
    throw new UsageError(
      `--kube-version ${JSON.stringify(kubeVersion)}: not a Kubernetes version (like 1.29 or v1.29.3)`,
    );
  const extraApis = args.values.get('api-versions') ?? [];
  const json = args.flags.has('json');
  const showOrigin = args.flags.has('show-origin');
  const result: Record<string, unknown> = {};
  const texts: string[] = [];
  let failed = false;
  // A chart shared by several folders or releases is read once.
  const chartCache = new WeakMap<FileSystem, Map<string, Chart>>();
  for (const dir of args.positionals) {
    const abs = path.resolve(dir);
    if (fs.stat(abs) !== 'dir') {
      failed = true;
      result[dir] = { error: `${dir}: no such folder` };
      err(`error: ${dir}: no such folder\n`);
      continue;
    }
    const r = runOverlay(fs, abs, options);
    for (const p of r.problems) if (p.severity === 'error') err(problemLine(p) + '\n');
    const be = buildError(r);
    if (be) {
      failed = true;
      result[dir] = { error: be };
      continue;
    }
    const entry: Record<string, unknown> = {};
    const spec = lastValue(args, 'release');
    if (spec !== undefined && r.releases.length === 0) {
      failed = true;
      result[dir] = { error: `no HelmRelease ${spec} in ${dir}` };
      err(`error: no HelmRelease ${spec} in ${dir}\n`);
      continue;
    }
    for (const rel of renderReleaseManifests(fs, r, {
      ...options,
      kubeVersion,
      apiVersions: extraApis,
      chartCache,
      origins: showOrigin,
    })) {
      const key = rel.key;
      for (const w of rel.warnings) err(`warning: ${dir}: [${key}] ${w}\n`);
      if (rel.notRendered) {
        err(`warning: ${dir}: [${key}] ${rel.notRendered} (point --chart at it)\n`);
        entry[key] = { error: rel.notRendered };
        continue;
      }
      if (rel.problems.length) {
        failed = true;
        for (const p of rel.problems)
          err(
            `error: ${dir}: [${key}] ${p.step === 'render/postRenderers' && p.span ? `${path.relative(process.cwd(), p.span.file)}:${p.span.line}: ` : ''}${p.message}\n`,
          );
        entry[key] = { error: rel.problems.map((p) => p.message).join('\n') };
        continue;
      }
      const objs = rel.objects.map((o) => {
        const m = masked(o, show);
        if (showOrigin && o.node) {
          const describe = originDescriber(rel, o);
          m.text = emitYaml(o.node, {
            showOrigin: true,
            describeOrigin: describe.node,
            showSecrets: show,
          }).trimEnd();
          if (json) {
            const origins: Record<string, string> = {};
            for (const [p, lo] of fieldOrigins(o)) origins[p] = describe.line(lo);
            m.object = { object: m.object, origins };
          }
        }
        return { o, m };
      });
      entry[key] = objs.map(({ m }) => m.object);
      texts.push(
        `# ${dir}: HelmRelease ${key} (release ${rel.namespace}/${rel.releaseName}, chart ${rel.chartSource})\n` +
          objs
            .map(({ o, m }) => {
              const marks = [
                o.hook ? `# hook: ${o.hook.join(',')}` : '',
                o.nonReproducible ? `# not reproducible: ${o.nonReproducible.join(', ')}` : '',
              ].filter(Boolean);
              return `---\n# Source: ${o.source}\n${marks.map((x) => x + '\n').join('')}${m.text}\n`;
            })
            .join(''),
      );
    }
    result[dir] = entry;
  }
  if (json) out(JSON.stringify(result, null, 2) + '\n');
  else out(texts.join(''));
  return failed ? 1 : 0;
}

registerCommand('template', {
  flags: ['json', 'offline', 'show-origin', 'show-secrets', 'help'],
  values: ['release', 'kube-version', 'api-versions', ...SHARED_VALUES],
  usage: TEMPLATE_USAGE,
  run: runTemplate,
});
