/**
 * Build tool (not part of the extension): bundles the client and the language server with
 * esbuild into dist/, so the .vsix needs no node_modules.
 *   node out/client/src/bundle.js [--require-server]
 * dist/extension.js (package.json "main") and dist/server.js (found by languageClient.ts next to
 * the running client). Without server/src/server.ts only the client is bundled (and a stale
 * dist/server.js is removed), unless --require-server.
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<number> {
  const requireServer = process.argv.includes('--require-server');
  const common: esbuild.BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify: true,
    keepNames: true,
    logLevel: 'warning',
    // Packages with `exports` maps: prefer their CommonJS main for node.
    mainFields: ['module', 'main'],
    conditions: ['node'],
  };
  const inputs = new Set<string>();
  const client = await esbuild.build({
    ...common,
    metafile: true,
    entryPoints: [path.join(root, 'client', 'src', 'extension.ts')],
    outfile: path.join(root, 'dist', 'extension.js'),
    external: ['vscode'],
  });
  for (const i of Object.keys(client.metafile!.inputs)) inputs.add(i);
  const server = path.join(root, 'server', 'src', 'server.ts');
  const serverOut = path.join(root, 'dist', 'server.js');
  if (fs.existsSync(server)) {
    const built = await esbuild.build({
      ...common,
      metafile: true,
      entryPoints: [server],
      outfile: serverOut,
    });
    for (const i of Object.keys(built.metafile!.inputs)) inputs.add(i);
  } else {
    fs.rmSync(serverOut, { force: true });
    fs.rmSync(`${serverOut}.map`, { force: true });
    if (requireServer) {
      console.error(`bundle: ${path.relative(root, server)} does not exist`);
      return 1;
    }
    console.error(
      `bundle: warning: no ${path.relative(root, server)} yet; bundled the client only`,
    );
  }
  writeNotices(inputs);
  return 0;
}

/**
 * dist/THIRD_PARTY_NOTICES.txt: the name, version and licence text of every npm package the
 * bundles contain (the .vsix ships their code, so it ships their licences too).
 */
function writeNotices(inputs: Set<string>): void {
  const packages = new Map<string, string>();
  for (const input of inputs) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
    if (m) packages.set(m[1], path.join(root, input.slice(0, m.index + m[0].length)));
  }
  const sections = [...packages.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, dir]) => {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        version?: string;
        license?: string;
      };
      const licenceFile = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      const text = licenceFile
        ? fs.readFileSync(path.join(dir, licenceFile), 'utf8').trim()
        : `Licence: ${pkg.license ?? 'unknown'} (no licence file in the package)`;
      return `${name} ${pkg.version ?? ''} (${pkg.license ?? 'see below'})\n${'-'.repeat(72)}\n${text}\n`;
    });
  const header =
    'Flux Overlays bundles the following npm packages into dist/extension.js and dist/server.js.\n\n';
  fs.writeFileSync(
    path.join(root, 'dist', 'THIRD_PARTY_NOTICES.txt'),
    header + sections.join('\n'),
  );
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
