// A workspace whose kustomizations reach outside it through symbolic links, one overlay per
// reader (resources, generators, patches, components, configurations, replacements, charts),
// made in a temporary folder at test time: no symlink pointing outside is ever committed.
// Every outside file holds OUTSIDE_MARK, so an output showing it has read across the boundary.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const OUTSIDE_MARK = 'outside-the-workspace-3141';

export interface EscapeCase {
  /** Overlay folder: `<ws>/apps/<name>/production`. */
  name: string;
  /** What reads across the link. */
  reader: string;
  /** kustomization.yaml of the overlay. */
  kustomization: string;
  /** Links made in the overlay folder: name -> target (relative to the overlay). */
  links: Record<string, string>;
  /** kubectl kustomize (RootOnly) refuses it; when false it builds (the link is a folder, or stays inside). */
  kubectlRefuses: boolean;
  /** The link stays inside the workspace, so restricted mode builds it too. */
  inside?: boolean;
}

// From an overlay folder `<top>/ws/apps/<case>/production`, `<top>/outside` is four levels up.
const OUT = '../../../../outside';
const X = 'resources:\n  - x.yaml\n';

export const ESCAPE_CASES: EscapeCase[] = [
  {
    name: 'resource-file',
    reader: 'resources (file link)',
    kustomization: 'resources:\n  - res.yaml\n',
    links: { 'res.yaml': `${OUT}/cm.yaml` },
    kubectlRefuses: true,
  },
  {
    name: 'resource-in-linked-folder',
    reader: 'resources (file in a folder link)',
    kustomization: 'resources:\n  - linkdir/cm.yaml\n',
    links: { linkdir: OUT },
    kubectlRefuses: true,
  },
  {
    name: 'resource-dotdot',
    reader: 'resources (sub/../link)',
    kustomization: 'resources:\n  - sub/../linkdir/cm.yaml\n',
    links: { linkdir: OUT },
    kubectlRefuses: true,
  },
  {
    name: 'generator-files',
    reader: 'configMapGenerator files',
    kustomization: X + 'configMapGenerator:\n  - name: gen\n    files:\n      - pw\n',
    links: { pw: `${OUT}/secret.txt` },
    kubectlRefuses: true,
  },
  {
    name: 'generator-envs',
    reader: 'secretGenerator envs',
    kustomization: X + 'secretGenerator:\n  - name: gen\n    envs:\n      - env\n',
    links: { env: `${OUT}/env` },
    kubectlRefuses: true,
  },
  {
    name: 'patch-path',
    reader: 'patches path',
    kustomization: X + 'patches:\n  - path: patch.yaml\n',
    links: { 'patch.yaml': `${OUT}/patch.yaml` },
    kubectlRefuses: true,
  },
  {
    name: 'patch-smp',
    reader: 'patchesStrategicMerge',
    kustomization: X + 'patchesStrategicMerge:\n  - patch.yaml\n',
    links: { 'patch.yaml': `${OUT}/patch.yaml` },
    kubectlRefuses: true,
  },
  {
    name: 'configurations',
    reader: 'configurations',
    kustomization: X + 'configurations:\n  - conf.yaml\n',
    links: { 'conf.yaml': `${OUT}/conf.yaml` },
    kubectlRefuses: true,
  },
  {
    name: 'replacements',
    reader: 'replacements path',
    kustomization: X + 'replacements:\n  - path: rep.yaml\n',
    links: { 'rep.yaml': `${OUT}/rep.yaml` },
    kubectlRefuses: true,
  },
  {
    name: 'kustomization-file',
    reader: 'the kustomization file itself',
    kustomization: '',
    links: { 'kustomization.yaml': `${OUT}/kustomization.yaml` },
    kubectlRefuses: true,
  },
  // kustomize loads folders (bases, components) from anywhere: only files are restricted.
  {
    name: 'resource-folder',
    reader: 'resources (folder link)',
    kustomization: 'resources:\n  - linkdir\n',
    links: { linkdir: OUT },
    kubectlRefuses: false,
  },
  {
    name: 'component-folder',
    reader: 'components (folder link)',
    kustomization: X + 'components:\n  - linkcomp\n',
    links: { linkcomp: `${OUT}/comp` },
    kubectlRefuses: false,
  },
  {
    name: 'inside-links',
    reader: 'links that stay inside',
    kustomization: 'resources:\n  - in.yaml\n  - sub/in2.yaml\n  - subl/z.yaml\n',
    links: { 'in.yaml': 'x.yaml', 'sub/in2.yaml': '../y.yaml', subl: 'sub' },
    kubectlRefuses: false,
    inside: true,
  },
];

export interface EscapeTree {
  top: string;
  ws: string;
  outside: string;
  overlay(c: EscapeCase | string): string;
}

function put(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const cm = (name: string, data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;

/** Makes the tree in a new temporary folder (the caller removes `top`). */
export function makeEscapeTree(cases: readonly EscapeCase[] = ESCAPE_CASES): EscapeTree {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-escapes-')));
  const ws = path.join(top, 'ws');
  const outside = path.join(top, 'outside');
  put(path.join(outside, 'cm.yaml'), cm('from-outside', `  secret: ${OUTSIDE_MARK}\n`));
  put(path.join(outside, 'kustomization.yaml'), 'resources:\n  - cm.yaml\n');
  put(path.join(outside, 'secret.txt'), `${OUTSIDE_MARK}\n`);
  put(path.join(outside, 'env'), `LEAK=${OUTSIDE_MARK}\n`);
  put(path.join(outside, 'patch.yaml'), cm('x', `  leak: ${OUTSIDE_MARK}\n`));
  put(path.join(outside, 'conf.yaml'), `# ${OUTSIDE_MARK}\nnamePrefix:\n  - path: metadata/name\n`);
  put(
    path.join(outside, 'rep.yaml'),
    `# ${OUTSIDE_MARK}\n- source: {kind: ConfigMap, name: x, fieldPath: data.a}\n  targets: [{select: {kind: ConfigMap, name: x}, fieldPaths: [data.c]}]\n`,
  );
  put(
    path.join(outside, 'comp/kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  leak: ${OUTSIDE_MARK}\n`,
  );
  const overlay = (c: EscapeCase | string) =>
    path.join(ws, 'apps', typeof c === 'string' ? c : c.name, 'production');
  for (const c of cases) {
    const dir = overlay(c);
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    put(path.join(dir, 'x.yaml'), cm('x', '  a: b\n'));
    put(path.join(dir, 'y.yaml'), cm('y', '  a: b\n'));
    put(path.join(dir, 'sub/z.yaml'), cm('z', '  a: b\n'));
    if (c.kustomization) put(path.join(dir, 'kustomization.yaml'), c.kustomization);
    for (const [name, target] of Object.entries(c.links))
      fs.symlinkSync(target, path.join(dir, name));
  }
  return { top, ws, outside, overlay };
}

/**
 * A repository (`<ws>/.git` marks its root) with a HelmRelease whose GitRepository chart path is
 * a link to a chart outside, and one whose chart folder is inside but its values.yaml links out.
 */
export function addChartEscapes(t: EscapeTree): string[] {
  put(path.join(t.outside, 'chart/Chart.yaml'), 'apiVersion: v2\nname: linked\nversion: 1.0.0\n');
  put(path.join(t.outside, 'chart/values.yaml'), `fromChart: ${OUTSIDE_MARK}\n`);
  fs.mkdirSync(path.join(t.ws, '.git'), { recursive: true });
  fs.mkdirSync(path.join(t.ws, 'charts'), { recursive: true });
  fs.symlinkSync('../../outside/chart', path.join(t.ws, 'charts/linked'));
  put(path.join(t.ws, 'charts/inner/Chart.yaml'), 'apiVersion: v2\nname: inner\nversion: 1.0.0\n');
  fs.symlinkSync('../../../outside/chart/values.yaml', path.join(t.ws, 'charts/inner/values.yaml'));
  const dirs: string[] = [];
  for (const chart of ['linked', 'inner']) {
    const dir = t.overlay(`chart-${chart}`);
    put(path.join(dir, 'kustomization.yaml'), 'resources:\n  - release.yaml\n');
    put(
      path.join(dir, 'release.yaml'),
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${chart}\n  namespace: apps\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: ./charts/${chart}\n      sourceRef:\n        kind: GitRepository\n        name: repo\n  values:\n    mine: 1\n`,
    );
    dirs.push(dir);
  }
  return dirs;
}

/**
 * A folder whose links loop (`a -> .`, `b -> .` at the top, `loop -> .` in the component), with
 * one component: `app/{base,production,staging}`; staging names its own loop as a resource.
 * Walked naively it holds 2^depth copies of every file. Five YAML files really.
 */
export function makeLoopTree(): string {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-loops-')));
  put(path.join(top, 'app/base/kustomization.yaml'), 'resources:\n  - cm.yaml\n');
  put(path.join(top, 'app/base/cm.yaml'), cm('looped', '  a: b\n'));
  put(path.join(top, 'app/production/kustomization.yaml'), 'resources:\n  - ../base\n');
  put(path.join(top, 'app/staging/kustomization.yaml'), 'resources:\n  - ../base\n  - loop\n');
  put(path.join(top, 'app/staging/x.yaml'), cm('x', '  a: b\n'));
  fs.symlinkSync('.', path.join(top, 'a'));
  fs.symlinkSync('.', path.join(top, 'b'));
  fs.symlinkSync('.', path.join(top, 'app/loop'));
  fs.symlinkSync('.', path.join(top, 'app/staging/loop'));
  return top;
}
