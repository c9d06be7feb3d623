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
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'client', 'src', 'extension.ts')],
    outfile: path.join(root, 'dist', 'extension.js'),
    external: ['vscode'],
  });
  const server = path.join(root, 'server', 'src', 'server.ts');
  const serverOut = path.join(root, 'dist', 'server.js');
  if (fs.existsSync(server)) {
    await esbuild.build({ ...common, entryPoints: [server], outfile: serverOut });
  } else {
    fs.rmSync(serverOut, { force: true });
    fs.rmSync(`${serverOut}.map`, { force: true });
    if (requireServer) {
      console.error(`bundle: ${path.relative(root, server)} does not exist`);
      return 1;
    }
    console.error(`bundle: warning: no ${path.relative(root, server)} yet; bundled the client only`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
