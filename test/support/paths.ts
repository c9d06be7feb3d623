// Where tests find the project, the shared corpus and the reference binaries.
import * as fs from 'fs';
import * as path from 'path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CORPUS = path.resolve(PROJECT_ROOT, '..', 'shared', 'corpus');
export const KUBECTL = path.join(PROJECT_ROOT, '.cache', 'reference-tools', 'kubectl');
export const HELM = path.join(PROJECT_ROOT, '.cache', 'reference-tools', 'helm');

export function corpusAvailable(): boolean {
  return fs.existsSync(CORPUS);
}

export function kubectlAvailable(): boolean {
  return fs.existsSync(KUBECTL);
}

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Every folder under `root` holding a kustomization file, sorted. */
export function kustomizationDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && KUSTOMIZATION_NAMES.includes(e.name))) out.push(dir);
    for (const e of entries)
      if (e.isDirectory() && !e.name.startsWith('.')) walk(path.join(dir, e.name));
  };
  walk(root);
  return out.sort();
}

/** Real Helm charts (../shared/charts, see its INDEX.md); never copied into the project. */
export const CHARTS = path.resolve(PROJECT_ROOT, '..', 'shared', 'charts');
