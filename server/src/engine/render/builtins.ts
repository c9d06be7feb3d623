// The structs Helm puts in front of templates: .Chart (chart.Metadata + IsRoot), .Files,
// .Capabilities (KubeVersion, APIVersions, HelmVersion).

import * as path from 'path';
import { ChartFile } from './chart';
import { toYAML } from '../template/goyaml';
import { GoStruct, GoValue, fromJS, newMap, stringList } from '../template/value';
import { DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, HELM_VERSION } from './apiVersions';

/** A pattern that matches no name. */
const NEVER = /(?!)/;

const METADATA_FIELDS: [string, string][] = [
  ['Name', 'name'],
  ['Home', 'home'],
  ['Sources', 'sources'],
  ['Version', 'version'],
  ['Description', 'description'],
  ['Keywords', 'keywords'],
  ['Maintainers', 'maintainers'],
  ['Icon', 'icon'],
  ['APIVersion', 'apiVersion'],
  ['Condition', 'condition'],
  ['Tags', 'tags'],
  ['AppVersion', 'appVersion'],
  ['Deprecated', 'deprecated'],
  ['Annotations', 'annotations'],
  ['KubeVersion', 'kubeVersion'],
  ['Dependencies', 'dependencies'],
  ['Type', 'type'],
];

const ZERO: Record<string, GoValue> = {
  Sources: null,
  Keywords: null,
  Maintainers: null,
  Deprecated: false,
  Annotations: null,
  Dependencies: null,
};

export function chartStruct(meta: Record<string, unknown>, isRoot: boolean): GoStruct {
  const fields: Record<string, GoValue> = {};
  const json: Record<string, { name: string; omitempty?: boolean }> = {};
  for (const [goName, key] of METADATA_FIELDS) {
    const raw = meta[key];
    fields[goName] =
      raw === undefined
        ? goName in ZERO
          ? ZERO[goName]
          : ''
        : key === 'version' || key === 'appVersion' || key === 'name'
          ? String(raw)
          : fromJS(raw);
    json[goName] = { name: key, omitempty: true };
  }
  fields.IsRoot = isRoot;
  json.IsRoot = { name: 'IsRoot' };
  return new GoStruct('struct { *chart.Metadata; IsRoot bool }', fields, {}, json);
}

/** gobwas/glob with '/' as separator: * and ? stay within a path segment, ** crosses them. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return NEVER; // an unclosed bracket is Go's ErrBadPattern: matches nothing
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) return NEVER; // an unclosed bracket is Go's ErrBadPattern: matches nothing
      re +=
        '(?:' +
        pattern
          .slice(i + 1, end)
          .split(',')
          .map((alt) => globToRegExp(alt).source.slice(1, -1))
          .join('|') +
        ')';
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

export function filesStruct(files: ChartFile[]): GoStruct {
  const byName = new Map(files.map((f) => [f.name, f.data] as [string, Buffer]));
  const s = (v: GoValue) => (typeof v === 'string' ? v : String(v));
  return new GoStruct(
    'engine.files',
    {},
    {
      Get: ([n]) => byName.get(s(n))?.toString('utf8') ?? '',
      GetBytes: ([n]) => new Uint8Array(byName.get(s(n)) ?? Buffer.alloc(0)),
      Glob: ([p]) => {
        const re = globToRegExp(s(p));
        return filesStruct(files.filter((f) => re.test(f.name)));
      },
      AsConfig: () =>
        files.length
          ? toYAML(newMap(files.map((f) => [path.posix.basename(f.name), f.data.toString('utf8')])))
          : '',
      AsSecrets: () =>
        files.length
          ? toYAML(
              newMap(files.map((f) => [path.posix.basename(f.name), f.data.toString('base64')])),
            )
          : '',
      Lines: ([n]) => {
        const d = byName.get(s(n));
        if (!d) return stringList([]);
        let t = d.toString('utf8');
        if (t.endsWith('\n')) t = t.slice(0, -1);
        return stringList(t.split('\n'));
      },
    },
  );
}

/** chartutil.ParseKubeVersion: "1.29" -> v1.29.0. */
export function parseKubeVersion(
  v: string,
): { version: string; major: string; minor: string } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return undefined;
  return {
    version: `v${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ?? ''}${m[5] ?? ''}`,
    major: m[1],
    minor: m[2] ?? '0',
  };
}

export function capabilitiesStruct(
  kubeVersion: string | undefined,
  extraApiVersions: readonly string[],
): GoStruct {
  const kv =
    parseKubeVersion(kubeVersion ?? DEFAULT_KUBE_VERSION) ??
    parseKubeVersion(DEFAULT_KUBE_VERSION)!;
  const versions = [...DEFAULT_API_VERSIONS, ...extraApiVersions];
  const set = new Set(versions);
  const kube = new GoStruct(
    '*chartutil.KubeVersion',
    { Version: kv.version, Major: kv.major, Minor: kv.minor },
    { GitVersion: () => kv.version, String: () => kv.version },
    {
      Version: { name: 'Version' },
      Major: { name: 'Major' },
      Minor: { name: 'Minor' },
    },
    () => kv.version,
  );
  const api = new GoStruct(
    'chartutil.VersionSet',
    {},
    { Has: ([v]) => set.has(String(v)) },
    {},
    () => `[${versions.join(' ')}]`,
  );
  const helm = new GoStruct(
    'chartutil.HelmVersion',
    {
      Version: HELM_VERSION.version,
      GitCommit: HELM_VERSION.gitCommit,
      GitTreeState: HELM_VERSION.gitTreeState,
      GoVersion: HELM_VERSION.goVersion,
    },
    {},
    {
      Version: { name: 'version' },
      GitCommit: { name: 'git_commit' },
      GitTreeState: { name: 'git_tree_state' },
      GoVersion: { name: 'go_version' },
    },
  );
  return new GoStruct(
    '*chartutil.Capabilities',
    { KubeVersion: kube, APIVersions: api, HelmVersion: helm },
    {},
    {
      KubeVersion: { name: 'KubeVersion' },
      APIVersions: { name: 'APIVersions' },
      HelmVersion: { name: 'HelmVersion' },
    },
  );
}
