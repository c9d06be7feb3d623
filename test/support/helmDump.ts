// Helm's computed values, read from the real helm: a temporary copy of a chart whose templates
// are replaced by one that dumps `.Values` as JSON (in the chart and in every application
// subchart, so each subchart's scoped values can be compared too), rendered by `helm template`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { toJS } from '../../server/src/engine/yaml/node';
import { HELM } from './paths';

const DUMP = (id: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dump-${id}\ndata:\n  values.json: {{ .Values | toJson | quote }}\n`;

/** Copies a chart replacing every application chart's templates by a values dump; returns the dump ids by subchart path. */
export function dumpCopy(src: string, dst: string, id = 'root'): string[] {
  fs.cpSync(src, dst, {
    recursive: true,
    filter: (p) =>
      !/\/(templates|ci)(\/|$)/.test(path.relative(src, p).replace(/^/, '/')) ||
      path.relative(src, p).includes('charts/'),
  });
  const chartYaml = fs.readFileSync(path.join(dst, 'Chart.yaml'), 'utf8');
  const ids: string[] = [];
  fs.rmSync(path.join(dst, 'templates'), { recursive: true, force: true });
  fs.rmSync(path.join(dst, 'values.schema.json'), { force: true }); // values are compared, not validated
  if (!/^type:\s*library\s*$/m.test(chartYaml)) {
    fs.mkdirSync(path.join(dst, 'templates'));
    fs.writeFileSync(path.join(dst, 'templates', 'dump.yaml'), DUMP(id));
    ids.push(id);
  }
  const charts = path.join(dst, 'charts');
  if (fs.existsSync(charts)) {
    for (const e of fs.readdirSync(charts, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const sub = path.join(charts, e.name);
      const tmp = sub + '.orig';
      fs.renameSync(sub, tmp);
      ids.push(...dumpCopy(tmp, sub, `${id}.${e.name}`));
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return ids;
}

/** `helm template` of a dump copy with `-f` files in order: the values of each dump id. */
export function helmDumps(
  chartDir: string,
  valueFiles: string[],
  home: string,
): Map<string, unknown> {
  const args = ['template', 'rel', chartDir, '--namespace', 'ns'];
  for (const f of valueFiles) args.push('-f', f);
  const out = execFileSync(HELM, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
    env: { ...process.env, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home },
  });
  const dumps = new Map<string, unknown>();
  for (const d of parseYaml(out, 'helm-output.yaml').documents) {
    const j = toJS(d.root) as
      { metadata?: { name?: string }; data?: Record<string, string> } | undefined;
    const name = j?.metadata?.name;
    if (name?.startsWith('dump-') && j?.data)
      dumps.set(name.slice(5), JSON.parse(j.data['values.json']));
  }
  return dumps;
}

/** The subtree Helm gives the subchart at a dump id (`root.redis.common` -> values.redis.common). */
export function scoped(values: unknown, id: string): unknown {
  let v = values as Record<string, unknown>;
  for (const seg of id.split('.').slice(1)) v = (v?.[seg] ?? {}) as Record<string, unknown>;
  return v;
}
