// Where a Flux source's content is on this machine. A GitRepository/OCIRepository/Bucket is
// known by its URL (and ref); the user maps URLs to local folders (`--source URL[@REF]=PATH`,
// or `Kind/namespace/name=PATH` for any source kind), a mapped URL also covers the URLs below
// it (`oci://ghcr.io/org/apps=PATH` serves `oci://ghcr.io/org/apps/frontend` from
// PATH/frontend), and the repository holding the cluster's entry folder is mapped
// automatically. Workspace folders can stand for a repository by name (`d1-apps`, or
// `owner__d1-apps` as the corpus names its copies).

import * as path from 'path';
import { FileSystem } from '../fs';
import { YMap, get, getString } from '../yaml/node';

export interface SourceMapping {
  /** A URL (optionally `URL@REF`) or `Kind/namespace/name`. */
  key: string;
  /** Absolute folder. */
  path: string;
  /** How the mapping came about (shown to the user). */
  mappedBy?: string;
}

export interface SourceInfo {
  kind: string;
  namespace: string;
  name: string;
  url?: string;
  /** branch, tag, semver, commit, name or digest, as written. */
  ref?: string;
}

/** host/path of a URL, lower-case host, no scheme, user, `.git` or trailing slash. */
export function normalizeUrl(url: string): string {
  let u = url.trim();
  const scp = /^([^@/:]+@)?([^/:]+):(?!\/\/)(.*)$/.exec(u); // git@github.com:org/repo
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) u = `${scp[2]}/${scp[3]}`;
  u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]+@/, '');
  u = u
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  const slash = u.indexOf('/');
  return slash < 0
    ? u.toLowerCase()
    : u
        .slice(0, slash)
        .toLowerCase()
        .replace(/:(443|80)$/, '') + u.slice(slash);
}

export function sourceInfo(obj: YMap): SourceInfo {
  const meta = get(obj, 'metadata');
  const spec = get(obj, 'spec');
  const refNode = get(spec, 'ref');
  let ref: string | undefined;
  for (const k of ['branch', 'tag', 'semver', 'name', 'commit', 'digest']) {
    const v = getString(refNode, k);
    if (v) {
      ref = v.replace(/^refs\/heads\//, '');
      break;
    }
  }
  return {
    kind: getString(obj, 'kind') ?? '',
    namespace: getString(meta, 'namespace') ?? '',
    name: getString(meta, 'name') ?? '',
    url: getString(spec, 'url') ?? getString(spec, 'endpoint'),
    ref,
  };
}

function splitKey(key: string): { url: string; ref?: string } {
  // `URL@REF`: the last `@` after the host part (git@host:... keeps its user).
  const at = key.lastIndexOf('@');
  const firstSlash = key.search(/[^:/]\/[^/]/);
  if (at > 0 && firstSlash >= 0 && at > firstSlash)
    return { url: key.slice(0, at), ref: key.slice(at + 1) };
  return { url: key };
}

export class SourceResolver {
  constructor(
    private readonly fs: FileSystem,
    private readonly mappings: SourceMapping[],
    private readonly workspaceFolders: readonly string[] = [],
  ) {}

  add(m: SourceMapping): void {
    this.mappings.push(m);
  }

  /** The local folder of a source, and how it was found; undefined when not available. */
  resolve(src: SourceInfo): { path: string; mappedBy: string } | undefined {
    const id = `${src.kind}/${src.namespace}/${src.name}`;
    for (const m of this.mappings)
      if (m.key === id) return { path: m.path, mappedBy: m.mappedBy ?? `--source ${m.key}` };
    if (!src.url) return undefined;
    const want = normalizeUrl(src.url);
    let best: { path: string; mappedBy: string; score: number } | undefined;
    for (const m of this.mappings) {
      if (/^[A-Za-z]+\/[^/]*\/[^/]+$/.test(m.key) && !m.key.includes('.')) continue;
      const { url, ref } = splitKey(m.key);
      if (ref !== undefined && ref.replace(/^refs\/heads\//, '') !== src.ref) continue;
      const have = normalizeUrl(url);
      if (want !== have && !want.startsWith(have + '/')) continue;
      const rest = want.slice(have.length).replace(/^\//, '');
      const score = have.length * 2 + (ref !== undefined ? 1 : 0);
      if (!best || score > best.score)
        best = {
          path: rest ? path.posix.join(m.path, rest) : m.path,
          mappedBy: m.mappedBy ?? `--source ${m.key}`,
          score,
        };
    }
    if (best) return { path: best.path, mappedBy: best.mappedBy };
    // A workspace folder named after the repository (or an `owner__repo` copy of it).
    const segs = want.split('/').slice(1);
    for (let i = segs.length; i >= 1; i--) {
      const name = segs[i - 1];
      const rest = segs.slice(i);
      for (const w of this.workspaceFolders) {
        const base = path.posix.basename(w);
        if (base !== name && !base.endsWith(`__${name}`)) continue;
        const p = rest.length ? path.posix.join(w, ...rest) : w;
        if (this.fs.stat(p) === 'dir') return { path: p, mappedBy: `workspace folder ${base}` };
      }
    }
    return undefined;
  }
}

/** `URL=PATH` as the CLI takes it (the last `=` splits, URLs may hold `=`). */
export function parseSourceArg(arg: string, cwd: string): SourceMapping | undefined {
  const eq = arg.lastIndexOf('=');
  if (eq <= 0 || eq === arg.length - 1) return undefined;
  return {
    key: arg.slice(0, eq),
    path: path
      .resolve(cwd, arg.slice(eq + 1))
      .split(path.sep)
      .join('/'),
  };
}
