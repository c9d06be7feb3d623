// `flux-overlays build DIR` and `build --json DIR...`.

import {
  DiskFileSystem,
  SnapshotFileSystem,
  buildKustomization,
  ParseCache,
  emitDocuments,
  emitJS,
} from '../engine/core';
import { ParsedArgs, UsageError, lastValue } from './args';
import { describeOrigin } from './format';
import { formatProblem, problemLine } from './problems';

export const BUILD_USAGE = `usage: flux-overlays build [--json] [--show-origin] [--show-secrets] [--load-restrictor rootonly|none] DIR...`;

export function runBuild(
  args: ParsedArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  if (args.positionals.length === 0) throw new UsageError(BUILD_USAGE);
  const lr = (lastValue(args, 'load-restrictor') ?? 'rootonly')
    .toLowerCase()
    .replace(/^loadrestrictions/, '');
  if (lr !== 'rootonly' && lr !== 'none')
    throw new UsageError(
      `--load-restrictor must be rootonly or none (got ${lastValue(args, 'load-restrictor')})`,
    );
  const options = {
    loadRestrictor: lr === 'none' ? ('None' as const) : ('RootOnly' as const),
    cache: new ParseCache(),
  };
  // The tree does not change while a build runs: each file is read, and each path's real path
  // asked, once (the folders of `build --json DIR...` share bases, components and patches).
  const fs = new SnapshotFileSystem(new DiskFileSystem());
  const showSecrets = args.flags.has('show-secrets');
  if (args.flags.has('json')) {
    const result: Record<string, unknown> = {};
    let failed = false;
    for (const dir of args.positionals) {
      const r = buildKustomization(fs, dir, options);
      if (r.problems.some((p) => p.severity === 'error')) {
        failed = true;
        result[dir] = {
          error: r.problems
            .filter((p) => p.severity === 'error')
            .map(formatProblem)
            .join('\n'),
        };
      } else {
        result[dir] = r.objects.map((o) => emitJS(o.node, { showSecrets }));
      }
    }
    out(JSON.stringify(result, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  if (args.positionals.length > 1)
    throw new UsageError('build takes one DIR (use --json to build several)');
  const r = buildKustomization(fs, args.positionals[0], options);
  const errors = r.problems.filter((p) => p.severity === 'error');
  for (const p of r.problems) err(problemLine(p) + '\n');
  if (errors.length) return 1;
  out(
    emitDocuments(
      r.objects.map((o) => o.node),
      { showOrigin: args.flags.has('show-origin'), describeOrigin, showSecrets },
    ),
  );
  return 0;
}
