// `flux-overlays check [PATH...] [--format text|json] [--profile FILE]`: the editor's diagnostics for CI, from
// the same module the language server uses (ide/diagnostics/).

import * as path from 'path';
import { DiskFileSystem, SnapshotFileSystem, loadProfile } from '../engine';
import {
  buildErrorsOutside,
  computeDiagnostics,
  DiagnosticOptions,
  FileDiagnostic,
  WorkspaceIndex,
} from '../ide';
import { ParsedArgs, UsageError, lastValue } from './args';
import { registerCommand } from './main';
import { diagnosticLine, problemJson } from './problems';

export const CHECK_USAGE = `usage: flux-overlays check [--format text|json] [--no-validation] [--profile FILE] [PATH...]   (default PATH: .)`;

export function runCheck(
  args: ParsedArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  const format = lastValue(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json (got ${format})`);
  // The tree does not change while check runs: each file is read (and each folder listed) once.
  const fs = new SnapshotFileSystem(new DiskFileSystem());
  const targets = (args.positionals.length ? args.positionals : ['.']).map((p) =>
    path.resolve(p).split(path.sep).join('/'),
  );
  const files: string[] = [];
  const roots: string[] = [];
  for (const t of targets) {
    const kind = fs.stat(t);
    if (kind === undefined) {
      err(`flux-overlays check: ${t}: no such file or folder\n`);
      return 2;
    }
    roots.push(kind === 'dir' ? t : path.posix.dirname(t));
  }
  const index = new WorkspaceIndex(fs, roots);
  index.scan();
  for (const t of targets) {
    if (fs.stat(t) === 'file') files.push(t);
    else
      for (const f of [...index.yamlFiles].sort())
        if (f === t || f.startsWith(t + '/')) files.push(f);
  }
  const profileArg = lastValue(args, 'profile');
  let profile: DiagnosticOptions['profile'];
  if (profileArg !== undefined) {
    const abs = path.resolve(profileArg).split(path.sep).join('/');
    if (fs.stat(abs) !== 'file') throw new UsageError(`--profile ${profileArg}: no such file`);
    profile = { name: profileArg, variables: loadProfile(fs, abs).variables };
  }
  const all: FileDiagnostic[] = [];
  const unique = [...new Set(files)];
  for (const f of unique)
    all.push(
      ...computeDiagnostics(index, f, {
        validation: !args.flags.has('no-validation'),
        profile,
      }).filter((d) => d.severity !== 'hint'),
    );
  // An overlay whose build fails in a file outside the checked paths fails the check too.
  all.push(...buildErrorsOutside(index, unique));
  const errors = all.filter((d) => d.severity === 'error').length;
  if (format === 'json') {
    out(
      JSON.stringify(
        {
          files: files.length,
          errors,
          warnings: all.filter((d) => d.severity === 'warning').length,
          diagnostics: all.map(problemJson),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    for (const d of all) out(diagnosticLine(d) + '\n');
    err(
      `${files.length} files checked: ${errors} error(s), ${all.filter((d) => d.severity === 'warning').length} warning(s)\n`,
    );
  }
  return errors > 0 ? 1 : 0;
}

registerCommand('check', {
  flags: ['help', 'no-validation'],
  values: ['format', 'profile'],
  usage: CHECK_USAGE,
  run: runCheck,
});
