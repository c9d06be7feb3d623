// The flux-overlays command line: one process, the same engine as the editor.

import { redactText } from '../engine/core';
import { UsageError, parseArgs } from './args';
import { BUILD_USAGE, runBuild } from './build';

const USAGE = `flux-overlays: what your Flux overlays really render to, offline.

Commands:
  build DIR                 print the kustomize build of DIR (like kubectl kustomize)
  build --json DIR...       build several folders, one JSON object keyed by DIR
  values DIR...             effective Helm values of each HelmRelease in DIR
  diff DIR_A DIR_B          what differs between two overlays (values; --manifests for objects)
  promotion-diff            what merging one branch into another changes, per component
  check [PATH...]           the editor's diagnostics, for CI
  cluster DIR               what a cluster of a fleet gets: objects and values, across repositories

Run 'flux-overlays COMMAND --help' for a command's options.
${BUILD_USAGE}
`;

type Command = {
  flags: string[];
  values: string[];
  usage?: string;
  run: (
    args: ReturnType<typeof parseArgs>,
    out: (s: string) => void,
    err: (s: string) => void,
  ) => number | Promise<number>;
};

const COMMANDS: Record<string, Command> = {
  build: {
    flags: ['json', 'show-origin', 'show-secrets', 'help'],
    values: ['load-restrictor'],
    usage: BUILD_USAGE,
    run: runBuild,
  },
};

export function registerCommand(name: string, c: Command): void {
  COMMANDS[name] = c;
}

export async function main(
  argv: string[],
  rawOut = (s: string) => void process.stdout.write(s),
  rawErr = (s: string) => void process.stderr.write(s),
): Promise<number> {
  // Everything the CLI prints passes engine/secrets.ts's net, unless --show-secrets.
  let clear = false;
  const out = (s: string) => rawOut(clear ? s : redactText(s));
  const err = (s: string) => rawErr(clear ? s : redactText(s));
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(USAGE);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    err(`flux-overlays: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const args = parseArgs(rest, cmd);
    clear = args.flags.has('show-secrets');
    if (args.flags.has('help')) {
      out(cmd.usage ? `${cmd.usage}\n` : USAGE);
      return 0;
    }
    return await cmd.run(args, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`flux-overlays ${name}: ${e.message}\n`);
      return 2;
    }
    err(`flux-overlays ${name}: internal error: ${(e as Error).message}\n`);
    return 2;
  }
}
