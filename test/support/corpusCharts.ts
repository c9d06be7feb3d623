// The corpus served the way users get charts, for the corpus conformance test and the chart
// benchmark: a temporary copy of every ../shared/corpus repository whose HelmRepository and
// OCIRepository URLs point at local servers (`type: oci` repositories and OCIRepositories at a
// real docker-registry with `insecure: true`, the others at an HTTP Helm repository of
// `helm repo index` output), and the releases whose chart is in ../shared/charts, found in the
// real `kubectl kustomize` output with helm-controller's value layers as files. Each such chart
// is packaged by the reference helm and pushed to both under the version the shared copy has
// and under the version each release asks for when that differs (an exact version as written,
// `A.B.x` as A.B.0, `A.x` as A.0.0): the content is the shared chart, only its version label
// changes, so every release resolves to it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubectlKustomize } from './kubectl';
import { CHARTS, CORPUS, PROJECT_ROOT, kustomizationDirs } from './paths';
import { helm, serveFolder, startRegistry } from './registry';

/** The fields of a Flux object that the release discovery reads (plain data). */
export interface Obj {
  kind?: string;
  apiVersion?: string;
  metadata?: { name?: string; namespace?: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    url?: string;
    ref?: { tag?: string; semver?: string };
    values?: unknown;
    valuesFrom?: {
      kind: string;
      name: string;
      valuesKey?: string;
      targetPath?: string;
      optional?: boolean;
    }[];
    chart?: {
      spec?: { chart?: string; version?: string; sourceRef?: { kind?: string; name?: string } };
    };
    chartRef?: { kind?: string; name?: string };
  };
}

/**
 * Installable charts of ../shared/charts by their Chart.yaml name, and by their folder's name
 * without a version suffix when that differs (nxs-universal-chart-2.8.3 holds the tagged
 * Chart.yaml, named universal-chart; the published package the releases ask for is
 * nxs-universal-chart): folder, version, and the name to package under.
 */
export function sharedCharts(): Map<string, { dir: string; version: string; rename?: boolean }> {
  const out = new Map<string, { dir: string; version: string; rename?: boolean }>();
  for (const e of fs.readdirSync(CHARTS)) {
    const file = path.join(CHARTS, e, 'Chart.yaml');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (/^type:\s*library\s*$/m.test(text)) continue;
    const name = /^name:\s*(\S+)/m.exec(text)?.[1];
    const version = /^version:\s*["']?([^"'\s]+)/m.exec(text)?.[1];
    if (!name || !version) continue;
    out.set(name, { dir: path.join(CHARTS, e), version });
    const folderName = e.replace(new RegExp(`-${version.replace(/\./g, '\\.')}$`), '');
    if (folderName !== name && !out.has(folderName))
      out.set(folderName, { dir: path.join(CHARTS, e), version, rename: true });
  }
  return out;
}

/** Top-level HelmRepository/OCIRepository documents get local URLs (text edit: the copy keeps its lines). */
function rewriteSources(text: string, registryHost: string, httpUrl: string): string {
  return text
    .split(/^(?=---\s*$)/m)
    .map((doc) => {
      const kind = /^kind:\s*(\S+)/m.exec(doc)?.[1];
      if (kind !== 'HelmRepository' && kind !== 'OCIRepository') return doc;
      const oci = kind === 'OCIRepository' || /^ {2}type:\s*["']?oci/m.test(doc);
      return doc
        .replace(/^( {2})url:\s*(\S+).*$/m, (_l, ind: string, url: string) => {
          if (!oci) return `${ind}url: ${httpUrl}`;
          const local =
            kind === 'OCIRepository'
              ? `oci://${registryHost}/charts/${url.replace(/\/+$/, '').split('/').pop()}`
              : `oci://${registryHost}/charts`;
          return /^ {2}insecure:/m.test(doc)
            ? `${ind}url: ${local}`
            : `${ind}url: ${local}\n${ind}insecure: true`;
        })
        .replace(/^ {2}insecure:\s*false\s*$/m, '  insecure: true');
    })
    .join('');
}

function copyRewritten(src: string, dst: string, registryHost: string, httpUrl: string): void {
  fs.cpSync(src, dst, {
    recursive: true,
    filter: (p) => !p.includes(`${path.sep}.git${path.sep}`) && !p.endsWith(`${path.sep}.git`),
  });
  for (const f of fs.readdirSync(dst, { recursive: true }) as string[]) {
    const file = path.join(dst, f);
    if (!/\.ya?ml$/.test(f) || !fs.statSync(file).isFile()) continue;
    const text = fs.readFileSync(file, 'utf8');
    const out = rewriteSources(text, registryHost, httpUrl);
    if (out !== text) fs.writeFileSync(file, out);
  }
}

/** The version to serve for a release's constraint, when the shared version may not satisfy it. */
function servedVersion(constraint: string | undefined): string | undefined {
  const c = (constraint ?? '').trim();
  if (/^v?\d+\.\d+\.\d+$/.test(c)) return c;
  const m = /^v?(\d+)(?:\.(\d+))?\.[xX*]$/.exec(c);
  return m ? `${m[1]}.${m[2] ?? 0}.0` : undefined;
}

export interface Case {
  dir: string;
  key: string;
  chart: string;
  layers: string[];
}

/** The chart a release asks for, resolved within the build output (HelmRepository chart or OCIRepository chartRef). */
export function chartOf(r: Obj, docs: Obj[]): { chart: string; version?: string } | undefined {
  const s = r.spec?.chart?.spec;
  // the source must be in the same build: elsewhere, only the cluster knows it (and so does not the CLI)
  if (s?.chart && s.sourceRef?.kind === 'HelmRepository') {
    const ns = (s.sourceRef as { namespace?: string }).namespace ?? r.metadata?.namespace ?? '';
    const inBuild = docs.some(
      (d) =>
        d.kind === 'HelmRepository' &&
        d.metadata?.name === s.sourceRef?.name &&
        (d.metadata?.namespace ?? '') === ns,
    );
    return inBuild ? { chart: s.chart, version: s.version } : undefined;
  }
  const ref = r.spec?.chartRef;
  if (ref?.kind === 'OCIRepository') {
    const repo = docs.find((d) => d.kind === 'OCIRepository' && d.metadata?.name === ref.name);
    const url = repo?.spec?.url;
    if (url)
      return {
        chart: url.replace(/\/+$/, '').split('/').pop() ?? '',
        version: repo?.spec?.ref?.tag ?? repo?.spec?.ref?.semver,
      };
  }
  return undefined;
}

/** helm-controller's layers as files: each valuesFrom source's text, then spec.values; undefined when a layer is not in the output. */
function layersOf(r: Obj, docs: Obj[], work: string): string[] | undefined {
  const files: string[] = [];
  const write = (text: string) => {
    const f = path.join(work, `layer-${fs.readdirSync(work).length}.yaml`);
    fs.writeFileSync(f, text);
    files.push(f);
  };
  for (const v of r.spec?.valuesFrom ?? []) {
    if (v.targetPath) return undefined;
    const src = docs.find(
      (d) =>
        d.kind === v.kind &&
        d.metadata?.name === v.name &&
        (d.metadata?.namespace ?? '') === (r.metadata?.namespace ?? ''),
    );
    const key = v.valuesKey ?? 'values.yaml';
    const text =
      v.kind === 'Secret'
        ? (src?.stringData?.[key] ??
          (src?.data?.[key] !== undefined
            ? Buffer.from(src.data[key], 'base64').toString('utf8')
            : undefined))
        : src?.data?.[key];
    if (text === undefined) {
      if (v.optional) continue;
      return undefined;
    }
    write(text);
  }
  if (r.spec?.values !== undefined) write(JSON.stringify(r.spec.values));
  return files;
}

export function runCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js'), ...args],
      { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (status) => resolve({ stdout, stderr, status }));
  });
}

export interface CorpusCharts {
  /** The folder holding the rewritten corpus copies. */
  copies: string;
  cases: Case[];
  /** Releases left out: a valuesFrom source outside the build, or a targetPath. */
  skipped: number;
  charts: Map<string, { dir: string; version: string; rename?: boolean }>;
  /** Versions served per chart name. */
  versions: Map<string, Set<string>>;
  /** Packaged charts, `name@version` -> .tgz. */
  packages: Map<string, string>;
  registryHost: string;
  httpUrl: string;
  /** Stops the servers (call in `finally`). */
  stop(): Promise<void>;
}

/** Sets the corpus up under `work` (a temporary folder the caller removes); `allCharts`: serve every shared chart, used or not. */
export async function serveCorpusCharts(
  work: string,
  options: { allCharts?: boolean } = {},
): Promise<CorpusCharts> {
  const home = path.join(work, 'helm');
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const charts = sharedCharts();
    const reg = await startRegistry(path.join(work, 'registry'));
    stops.push(reg.stop);
    const repoDir = path.join(work, 'httprepo');
    fs.mkdirSync(repoDir);
    const srv = await serveFolder(repoDir);
    stops.push(srv.stop);

    // copies of the corpus repositories, sources pointed at the local servers
    const copies = path.join(work, 'corpus');
    for (const repo of fs.readdirSync(CORPUS)) {
      if (fs.statSync(path.join(CORPUS, repo)).isDirectory())
        copyRewritten(path.join(CORPUS, repo), path.join(copies, repo), reg.host, srv.url);
    }

    // the releases whose chart is shared, with Helm's layers from the reference build
    const cases: Case[] = [];
    const packages = new Map<string, string>();
    const versions = new Map<string, Set<string>>();
    let skipped = 0;
    for (const dir of kustomizationDirs(copies)) {
      const ref = kubectlKustomize(dir);
      if (!ref.ok) continue;
      const docs = ref.docs as Obj[];
      for (const r of docs.filter(
        (d) => d.kind === 'HelmRelease' && d.apiVersion?.startsWith('helm.toolkit.fluxcd.io/'),
      )) {
        const c = chartOf(r, docs);
        if (!c || !charts.has(c.chart)) continue;
        const layers = layersOf(r, docs, fs.mkdtempSync(path.join(work, 'layers-')));
        if (!layers) {
          skipped++;
          continue;
        }
        const v = servedVersion(c.version);
        if (!versions.has(c.chart)) versions.set(c.chart, new Set([charts.get(c.chart)!.version]));
        if (v) versions.get(c.chart)!.add(v);
        cases.push({
          dir,
          key: `${r.metadata?.namespace ?? ''}/${r.metadata?.name ?? ''}`,
          chart: c.chart,
          layers,
        });
      }
    }

    if (options.allCharts)
      for (const [name, c] of charts)
        if (!c.rename && !versions.has(name)) versions.set(name, new Set([c.version]));
    // the charts, packaged under every version asked for, in the registry and the HTTP repository
    for (const [name, vs] of versions) {
      let src = charts.get(name)!.dir;
      if (charts.get(name)!.rename) {
        const renamed = path.join(work, 'renamed', name);
        fs.cpSync(src, renamed, { recursive: true });
        const file = path.join(renamed, 'Chart.yaml');
        fs.writeFileSync(
          file,
          fs.readFileSync(file, 'utf8').replace(/^name:.*$/m, `name: ${name}`),
        );
        src = renamed;
      }
      for (const v of vs) {
        const pkg = path.join(work, 'pkg', v);
        fs.mkdirSync(pkg, { recursive: true });
        const line = helm(home, ['package', src, '-d', pkg, '--version', v]);
        const tgz = /saved it to: (.+\.tgz)/.exec(line)?.[1].trim();
        if (!tgz) throw new Error(`helm package: ${line}`);
        packages.set(`${name}@${v}`, tgz);
        helm(home, ['push', tgz, `oci://${reg.host}/charts`, '--plain-http']);
        fs.copyFileSync(tgz, path.join(repoDir, path.basename(tgz)));
      }
    }
    helm(home, ['repo', 'index', repoDir]);
    return {
      copies,
      cases,
      skipped,
      charts,
      versions,
      packages,
      registryHost: reg.host,
      httpUrl: srv.url,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
