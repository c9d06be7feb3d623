// Runs the reference `kubectl kustomize` and parses its output.
import { spawnSync } from 'child_process';
import { parseAllDocuments } from 'yaml';
import { KUBECTL } from './paths';

export interface ReferenceBuild {
  ok: boolean;
  docs: unknown[];
  /** kubectl's output as printed. */
  stdout: string;
  stderr: string;
}

export function kubectlKustomize(dir: string, extraArgs: string[] = []): ReferenceBuild {
  const r = spawnSync(KUBECTL, ['kustomize', ...extraArgs, dir], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: process.env.HOME ?? '/tmp' },
  });
  if (r.status !== 0)
    return {
      ok: false,
      docs: [],
      stdout: r.stdout ?? '',
      stderr: r.stderr || String(r.error ?? ''),
    };
  return { ok: true, docs: parseYamlDocs(r.stdout), stdout: r.stdout, stderr: r.stderr };
}

export function parseYamlDocs(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d !== null && d !== undefined);
}
