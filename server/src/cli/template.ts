// `flux-overlays template DIR... [--release NS/NAME] [--json] [--kube-version V]
// [--api-versions G/V]... [--offline] [--show-secrets]`: the objects each HelmRelease of an
// overlay installs, rendered in process from its chart on disk (the same chart discovery as
// `values`), in Helm's install order, then post-rendered as helm-controller does
// (spec.postRenderers, spec.commonMetadata, its origin labels). YAML with `# Source:` lines, or JSON
// {DIR: {"NS/NAME": [objects]}}. Secrets are masked unless --show-secrets. Nothing is fetched:
// a chart that is not on disk is reported (--offline is accepted for scripts that pass it).

import * as path from 'path';
import { DiskFileSystem } from '../engine/fs';
import { loadChartDir } from '../engine/render/chart';
import { releaseSettings } from '../engine/render/release';
import { postRender } from '../engine/render/postRender';
import { RenderedObject, renderChart } from '../engine/render/render';
import { secretMark } from '../engine/secrets';
import { effectiveValuesToGo } from '../engine/template/chartValues';
import { GoMap } from '../engine/template/value';
import { overlayValues } from '../engine/workspace';
import { YMap, get, getString, toJS } from '../engine/yaml/node';
import { ParsedArgs, UsageError, lastValue } from './args';
import { registerCommand } from './main';
import { SHARED_VALUES, buildError, evalOptions, formatOverlayProblem, releaseFilter } from './values';
import { stringify } from 'yaml';

export const TEMPLATE_USAGE = 'usage: flux-overlays template DIR... [--release NS/NAME] [--json] [--kube-version V] [--api-versions G/V]... [--offline] [--show-secrets]';

/** API versions the overlay's CRDs serve (group/version and group/version/Kind), as a cluster would add. */
function crdApiVersions(objects: YMap[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (getString(o, 'kind') !== 'CustomResourceDefinition') continue;
    const spec = get(o, 'spec');
    const group = getString(spec, 'group');
    const kind = getString(get(spec, 'names'), 'kind');
    const versions = get(spec, 'versions');
    if (!group || versions?.kind !== 'seq') continue;
    for (const v of versions.items) {
      const name = getString(v, 'name');
      if (!name) continue;
      out.push(`${group}/${name}`);
      if (kind) out.push(`${group}/${name}/${kind}`);
    }
  }
  return out;
}

function masked(o: RenderedObject, show: boolean): { object: unknown; text: string } {
  const obj = o.object as { kind?: string; apiVersion?: string; data?: Record<string, unknown>; stringData?: Record<string, unknown> } | null;
  if (show || !obj || obj.kind !== 'Secret' || (obj.apiVersion ?? 'v1') !== 'v1') return { object: o.object, text: o.text };
  const copy = JSON.parse(JSON.stringify(obj)) as typeof obj;
  for (const f of ['data', 'stringData'] as const) {
    const m = copy[f];
    if (m && typeof m === 'object') for (const k of Object.keys(m)) m[k] = secretMark(String(m[k]));
  }
  return { object: copy, text: stringify(copy).trimEnd() };
}

export function runTemplate(args: ParsedArgs, out: (s: string) => void, err: (s: string) => void): number {
  if (args.positionals.length === 0) throw new UsageError(TEMPLATE_USAGE);
  const fs = new DiskFileSystem();
  const base = evalOptions(args, fs, err, args.positionals);
  const options = { ...base, showSecrets: true, releaseFilter: releaseFilter(lastValue(args, 'release')) };
  const show = args.flags.has('show-secrets');
  const kubeVersion = lastValue(args, 'kube-version');
  const extraApis = args.values.get('api-versions') ?? [];
  const json = args.flags.has('json');
  const result: Record<string, unknown> = {};
  const texts: string[] = [];
  let failed = false;
  for (const dir of args.positionals) {
    const abs = path.resolve(dir);
    if (fs.stat(abs) !== 'dir') {
      failed = true;
      result[dir] = { error: `${dir}: no such folder` };
      err(`error: ${dir}: no such folder\n`);
      continue;
    }
    const r = overlayValues(fs, abs, options);
    // The user's layers alone (no chart found, so nothing coalesced): Helm coalesces them over
    // the chart's defaults itself, with its own typing and null rules.
    const userOnly = overlayValues(fs, abs, { ...options, charts: undefined, helmRepositoryCache: undefined, sourceRoots: [] });
    const userValues = new Map(userOnly.releases.map((u) => [`${u.namespace}/${u.name}`, u.values]));
    for (const p of r.problems) if (p.severity === 'error') err(formatOverlayProblem(p) + '\n');
    const be = buildError(r);
    if (be) {
      failed = true;
      result[dir] = { error: be };
      continue;
    }
    const apis = [...extraApis, ...crdApiVersions(r.objects.map((o) => o.node))];
    const entry: Record<string, unknown> = {};
    const spec = lastValue(args, 'release');
    if (spec !== undefined && r.releases.length === 0) {
      failed = true;
      result[dir] = { error: `no HelmRelease ${spec} in ${dir}` };
      err(`error: no HelmRelease ${spec} in ${dir}\n`);
      continue;
    }
    for (const rel of r.releases) {
      const key = `${rel.namespace}/${rel.name}`;
      const unreadable = rel.problems.find((p) => p.code === 'chart-unreadable');
      if (unreadable) {
        failed = true;
        err(`error: ${dir}: [${key}] ${unreadable.message.replace(/; showing the release's own values.*$/, '')}\n`);
        entry[key] = { error: unreadable.message };
        continue;
      }
      if (!rel.chart.found || !rel.chart.source) {
        err(`warning: ${dir}: [${key}] chart ${rel.chart.name}${rel.chart.version ? ' ' + rel.chart.version : ''} is not on disk: not rendered (point --chart at it)\n`);
        entry[key] = { error: `chart ${rel.chart.name} is not available offline` };
        continue;
      }
      let chart;
      try {
        chart = loadChartDir(fs, rel.chart.source);
      } catch (e) {
        failed = true;
        err(`error: ${dir}: [${key}] ${(e as Error).message}\n`);
        entry[key] = { error: (e as Error).message };
        continue;
      }
      const settings = releaseSettings(rel.release);
      const user = userValues.get(key);
      const rendered = renderChart(chart, (user ? effectiveValuesToGo(user) : new Map()) as GoMap, { ...settings, kubeVersion, apiVersions: apis });
      for (const w of rendered.warnings) err(`warning: ${dir}: [${key}] ${w}\n`);
      if (rendered.errors.length) {
        failed = true;
        for (const e of rendered.errors) err(`error: ${dir}: [${key}] ${chart.source}: ${e}\n`);
        entry[key] = { error: rendered.errors.join('\n') };
        continue;
      }
      // Then what helm-controller does before applying them: postRenderers, commonMetadata, origin labels.
      const post = postRender(fs, rel.release, rendered.objects.filter((o) => o.object !== null));
      if (post.problems.length) {
        failed = true;
        for (const p of post.problems) err(`error: ${dir}: [${key}] ${p.span ? `${path.relative(process.cwd(), p.span.file)}:${p.span.line}: ` : ''}${p.message}\n`);
        entry[key] = { error: post.problems.map((p) => p.message).join('\n') };
        continue;
      }
      const objs = post.objects.map((o) => ({ o, m: masked(o, show) }));
      entry[key] = objs.map(({ m }) => m.object);
      texts.push(
        `# ${dir}: HelmRelease ${key} (release ${settings.namespace}/${settings.releaseName}, chart ${chart.source})\n` +
          objs
            .map(({ o, m }) => {
              const marks = [o.hook ? `# hook: ${o.hook.join(',')}` : '', o.nonReproducible ? `# not reproducible: ${o.nonReproducible.join(', ')}` : ''].filter(Boolean);
              return `---\n# Source: ${o.source}\n${marks.map((x) => x + '\n').join('')}${m.text}\n`;
            })
            .join(''),
      );
    }
    result[dir] = entry;
  }
  if (json) out(JSON.stringify(result, null, 2) + '\n');
  else out(texts.join(''));
  void toJS;
  return failed ? 1 : 0;
}

registerCommand('template', {
  flags: ['json', 'offline', 'show-secrets', 'help'],
  values: ['release', 'kube-version', 'api-versions', ...SHARED_VALUES],
  usage: TEMPLATE_USAGE,
  run: runTemplate,
});
