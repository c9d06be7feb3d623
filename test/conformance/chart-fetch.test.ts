// Charts fetched from real servers (engine/charts + platform/): Debian's docker-registry
// anonymous over plain HTTP (`insecure: true`), with htpasswd basic auth (credentials from the
// config.json the reference `helm registry login` writes, and from Docker's config.json), with
// TLS from a throwaway CA, and with `auth: token` and a token server written for the test
// (anonymous and Basic-authenticated bearer tokens: JWTs the registry verifies); an HTTP Helm
// repository (`helm repo index` output) served by node, with relative and absolute chart URLs.
// Charts are ../shared/charts packaged by the reference helm. The values must equal what the
// same chart read from its folder gives; faults (registry down, 401, 403, 404, truncated or
// corrupt .tgz, digest mismatch, no answer, no matching version) must each be one clear problem
// on the release's chart line, with nothing left in the cache.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChartService, credentialsFrom } from '../../server/src/engine/charts';
import { loadChartTree } from '../../server/src/engine/charts/load';
import { Chart } from '../../server/src/engine/charts/model';
import { DiskFileSystem, MemoryFileSystem } from '../../server/src/engine/fs';
import { computeEffectiveValues, isHelmRelease } from '../../server/src/engine/values/effective';
import { helmValues } from '../../server/src/engine/values/dependencies';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { YMap, toJS } from '../../server/src/engine/yaml/node';
import { DiskChartStore, registryConfigTexts } from '../../server/src/platform/diskChartStore';
import { NodeHttpClient } from '../../server/src/platform/nodeHttp';
import { CHARTS } from '../support/paths';
import {
  Fault,
  freePort,
  helm,
  helmAsync,
  makeTls,
  packageChart,
  registryAvailable,
  serveFolder,
  startRegistry,
  startTokenServer,
} from '../support/registry';

const skip =
  registryAvailable() || (fs.existsSync(CHARTS) ? false : `charts not found at ${CHARTS}`);

const repoDoc = (url: string, extra = '') =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: repo\n  namespace: apps\nspec:\n  url: ${url}\n${extra}`;
const releaseDoc = (chart: string, version: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: ${chart}\n      version: "${version}"\n      sourceRef:\n        kind: HelmRepository\n        name: repo\n  values:\n    replicaCount: 3\n`;
const ociRelease = (url: string, ref: string, extra = '') =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: oci\n  namespace: apps\nspec:\n  url: ${url}\n  ref:\n    ${ref}\n${extra}---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: oci\n  values:\n    replicaCount: 3\n`;

/** 1-based line of the block under `  chart:` / `  chartRef:` (where chart problems go, as chart-not-found always did). */
const chartLine = (text: string) =>
  text.split('\n').findIndex((l) => /^ {2}chart(Ref)?:/.test(l)) + 2;

interface Run {
  chartLine: number;
  values: unknown;
  problems: { message: string; line?: number; code: string }[];
}

async function run(
  text: string,
  cacheDir: string,
  o: { ca?: string; configs?: string[]; timeoutMs?: number; offline?: boolean } = {},
): Promise<Run> {
  const file = '/ws/release.yaml';
  const docs = parseYaml(text, file)
    .documents.map((d) => d.root)
    .filter((r): r is YMap => !!r && r.kind === 'map');
  const service = new ChartService({
    store: new DiskChartStore(cacheDir),
    http: o.offline ? undefined : new NodeHttpClient(),
    offline: o.offline,
    ca: o.ca,
    timeoutMs: o.timeoutMs ?? 20_000,
    credentials: credentialsFrom(o.configs ?? []),
  });
  await service.prepare(docs, isHelmRelease);
  const [r] = computeEffectiveValues(docs, new MemoryFileSystem(undefined, { [file]: text }), {
    chartLookup: (rel, d) => service.lookup(rel, d),
  });
  return {
    chartLine: chartLine(text),
    values: toJS(r.values),
    problems: r.problems.map((p) => ({ message: p.message, line: p.span?.line, code: p.code })),
  };
}

function expected(chart: string): unknown {
  const c = loadChartTree(
    path.join(CHARTS, chart).split(path.sep).join('/'),
    new DiskFileSystem(),
  ) as Chart;
  const user = parseYaml('replicaCount: 3\n', '/u.yaml', undefined, 'helm').documents[0]
    .root as YMap;
  return toJS(helmValues(c, user).values);
}

/** Files of the cache folder (blobs and metadata), temporary files included. */
function cacheFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}
const blobs = (dir: string) => cacheFiles(dir).filter((f) => f.startsWith('blobs'));

test('charts from a real OCI registry and an HTTP Helm repository', { skip }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-fetch-'));
  const home = path.join(work, 'helm');
  const stops: (() => Promise<void>)[] = [];
  let cacheN = 0;
  const cache = () => path.join(work, `cache-${cacheN++}`);
  try {
    const podinfo = packageChart(home, path.join(CHARTS, 'podinfo'), path.join(work, 'pkg'));
    const redis = packageChart(home, path.join(CHARTS, 'redis'), path.join(work, 'pkg'));
    const podinfoValues = expected('podinfo');
    const redisValues = expected('redis');

    // ---- anonymous registry, plain HTTP
    const reg = await startRegistry(path.join(work, 'reg-anon'));
    stops.push(reg.stop);
    helm(home, ['push', podinfo, `oci://${reg.host}/charts`, '--plain-http']);
    helm(home, ['push', redis, `oci://${reg.host}/charts`, '--plain-http']);

    await t.test(
      'HelmRepository type oci, insecure: plain HTTP, exact version; the second run uses the cache only',
      async () => {
        const dir = cache();
        const text = `${repoDoc(`oci://${reg.host}/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('podinfo', '6.14.1')}`;
        const r = await run(text, dir);
        assert.deepStrictEqual(
          r.problems.filter((p) => p.code.startsWith('chart')),
          [],
        );
        assert.deepStrictEqual(r.values, podinfoValues);
        assert.equal(blobs(dir).length, 1);
        assert.ok(!cacheFiles(dir).some((f) => f.includes('.tmp-')));
        const again = await run(text, dir, { offline: true });
        assert.deepStrictEqual(again.values, podinfoValues);
      },
    );
    await t.test(
      'OCIRepository semver and digest; redis with its vendored common library',
      async () => {
        const r = await run(
          ociRelease(
            `oci://${reg.host}/charts/redis`,
            'semver: ">=23.0.0 <24.0.0"',
            '  insecure: true\n',
          ),
          cache(),
        );
        assert.deepStrictEqual(
          r.problems.filter((p) => p.code.startsWith('chart')),
          [],
        );
        assert.deepStrictEqual(r.values, redisValues);
        const manifest = helm(home, [
          'show',
          'chart',
          `oci://${reg.host}/charts/podinfo`,
          '--version',
          '6.14.1',
          '--plain-http',
        ]);
        assert.match(manifest, /name: podinfo/);
        const tags = await run(
          ociRelease(`oci://${reg.host}/charts/podinfo`, 'semver: "~6.14.0"', '  insecure: true\n'),
          cache(),
        );
        assert.deepStrictEqual(tags.values, podinfoValues);
      },
    );
    await t.test(
      'no matching version, 404 and registry down: one problem on the chart line, nothing cached',
      async () => {
        const dir = cache();
        const none = await run(
          `${repoDoc(`oci://${reg.host}/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('podinfo', '>=7.0.0')}`,
          dir,
        );
        const p = none.problems.filter((x) => x.code === 'chart-fetch');
        assert.equal(p.length, 1);
        assert.match(p[0].message, /no tag of .*podinfo matches `>=7\.0\.0`/);
        assert.equal(p[0].line, none.chartLine);
        assert.deepStrictEqual(none.values, { replicaCount: 3 });
        const missing = await run(
          `${repoDoc(`oci://${reg.host}/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('nothere', '1.0.0')}`,
          dir,
        );
        assert.match(
          missing.problems.find((x) => x.code === 'chart-fetch')?.message ?? '',
          /not found \(404\)/,
        );
        const downPort = await freePort();
        const down = await run(
          `${repoDoc(`oci://127.0.0.1:${downPort}/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('podinfo', '6.14.1')}`,
          dir,
        );
        assert.match(
          down.problems.find((x) => x.code === 'chart-fetch')?.message ?? '',
          /connection refused/,
        );
        assert.deepStrictEqual(blobs(dir), []);
      },
    );

    // ---- htpasswd basic auth
    const authReg = await startRegistry(path.join(work, 'reg-auth'), {
      htpasswd: { user: 'ci', password: 's3cret' },
    });
    stops.push(authReg.stop);
    helm(home, ['registry', 'login', authReg.host, '-u', 'ci', '-p', 's3cret', '--plain-http']);
    helm(home, ['push', podinfo, `oci://${authReg.host}/charts`, '--plain-http']);
    const helmConfig = fs.readFileSync(
      path.join(home, 'config', 'registry', 'config.json'),
      'utf8',
    );
    await t.test(
      'basic auth with the credentials helm registry login wrote; 401 without them',
      async () => {
        const text = `${repoDoc(`oci://${authReg.host}/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('podinfo', '6.14.1')}`;
        const ok = await run(text, cache(), { configs: [helmConfig] });
        assert.deepStrictEqual(
          ok.problems.filter((p) => p.code.startsWith('chart')),
          [],
        );
        assert.deepStrictEqual(ok.values, podinfoValues);
        const dir = cache();
        const no = await run(text, dir);
        assert.match(
          no.problems.find((x) => x.code === 'chart-fetch')?.message ?? '',
          /unauthorized \(401\).*helm registry login/,
        );
        const wrong = await run(text, dir, {
          configs: [
            JSON.stringify({
              auths: { [authReg.host]: { auth: Buffer.from('ci:wrong').toString('base64') } },
            }),
          ],
        });
        assert.match(
          wrong.problems.find((x) => x.code === 'chart-fetch')?.message ?? '',
          /unauthorized \(401\)/,
        );
        assert.deepStrictEqual(blobs(dir), []);
      },
    );

    await t.test(
      "basic auth from Docker's config.json file (DOCKER_CONFIG), Helm's absent",
      async () => {
        const docker = path.join(work, 'docker-basic');
        fs.mkdirSync(docker);
        fs.writeFileSync(
          path.join(docker, 'config.json'),
          JSON.stringify({
            auths: {
              [`http://${authReg.host}`]: { auth: Buffer.from('ci:s3cret').toString('base64') },
            },
          }),
        );
        const configs = registryConfigTexts(
          { DOCKER_CONFIG: docker, HELM_REGISTRY_CONFIG: path.join(work, 'no-helm.json') },
          work,
        );
        assert.equal(configs.length, 1);
        const r = await run(
          `${repoDoc(`oci://${authReg.host}/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('podinfo', '6.14.1')}`,
          cache(),
          { configs },
        );
        assert.deepStrictEqual(
          r.problems.filter((p) => p.code.startsWith('chart')),
          [],
        );
        assert.deepStrictEqual(r.values, podinfoValues);
      },
    );

    // ---- token auth: docker-registry `auth: token` with a token server written for the test
    const tokens = await startTokenServer(path.join(work, 'token'), { ci: 's3cret' });
    stops.push(tokens.stop);
    const tokenReg = await startRegistry(path.join(work, 'reg-token'), { token: tokens.auth });
    stops.push(tokenReg.stop);
    // helm talks to the token server in this process: asynchronous calls
    await helmAsync(home, [
      'registry',
      'login',
      tokenReg.host,
      '-u',
      'ci',
      '-p',
      's3cret',
      '--plain-http',
    ]);
    await helmAsync(home, [
      'push',
      podinfo,
      `oci://${tokenReg.host}/public/charts`,
      '--plain-http',
    ]);
    await helmAsync(home, [
      'push',
      podinfo,
      `oci://${tokenReg.host}/private/charts`,
      '--plain-http',
    ]);
    assert.ok(
      tokens.requests.some((r) => r.who === 'ci' && r.granted.includes('push')),
      'helm pushed with a token',
    );
    await t.test(
      'anonymous bearer token from WWW-Authenticate (public repository); 401 for a private one',
      async () => {
        const before = tokens.requests.length;
        const r = await run(
          `${repoDoc(`oci://${tokenReg.host}/public/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('podinfo', '6.14.1')}`,
          cache(),
        );
        assert.deepStrictEqual(
          r.problems.filter((p) => p.code.startsWith('chart')),
          [],
        );
        assert.deepStrictEqual(r.values, podinfoValues);
        const ours = tokens.requests.slice(before);
        assert.ok(ours.length >= 1);
        assert.deepStrictEqual(
          ours.map((x) => [x.who, x.service, x.scope]),
          ours.map(() => [
            'anonymous',
            tokens.auth.service,
            'repository:public/charts/podinfo:pull',
          ]),
        );
        const semver = await run(
          ociRelease(
            `oci://${tokenReg.host}/public/charts/podinfo`,
            'semver: "6.x"',
            '  insecure: true\n',
          ),
          cache(),
        );
        assert.deepStrictEqual(semver.values, podinfoValues, 'tags list through the token too');
        const dir = cache();
        const denied = await run(
          `${repoDoc(`oci://${tokenReg.host}/private/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('podinfo', '6.14.1')}`,
          dir,
        );
        const p = denied.problems.filter((x) => x.code === 'chart-fetch');
        assert.equal(p.length, 1);
        assert.match(p[0].message, /unauthorized \(401\)/);
        assert.equal(p[0].line, denied.chartLine);
        assert.deepStrictEqual(blobs(dir), []);
      },
    );
    await t.test(
      "token for a private repository with Basic credentials from Docker's config.json; wrong ones refused by the token server",
      async () => {
        const docker = path.join(work, 'docker-token');
        fs.mkdirSync(docker);
        fs.writeFileSync(
          path.join(docker, 'config.json'),
          JSON.stringify({ auths: { [tokenReg.host]: { username: 'ci', password: 's3cret' } } }),
        );
        const configs = registryConfigTexts(
          { DOCKER_CONFIG: docker, HELM_REGISTRY_CONFIG: path.join(work, 'no-helm.json') },
          work,
        );
        const text = `${repoDoc(`oci://${tokenReg.host}/private/charts`, '  type: oci\n  insecure: true\n')}---\n${releaseDoc('podinfo', '6.14.1')}`;
        const before = tokens.requests.length;
        const r = await run(text, cache(), { configs });
        assert.deepStrictEqual(
          r.problems.filter((p) => p.code.startsWith('chart')),
          [],
        );
        assert.deepStrictEqual(r.values, podinfoValues);
        assert.ok(
          tokens.requests
            .slice(before)
            .every((x) => x.who === 'ci' && x.scope === 'repository:private/charts/podinfo:pull'),
        );
        const dir = cache();
        const wrong = await run(text, dir, {
          configs: [
            JSON.stringify({
              auths: { [tokenReg.host]: { auth: Buffer.from('ci:wrong').toString('base64') } },
            }),
          ],
        });
        assert.match(
          wrong.problems.find((x) => x.code === 'chart-fetch')?.message ?? '',
          /token endpoint .*unauthorized \(401\)/,
        );
        assert.deepStrictEqual(blobs(dir), []);
      },
    );

    // ---- TLS from a throwaway CA
    const tls = makeTls(path.join(work, 'tls'));
    const tlsReg = await startRegistry(path.join(work, 'reg-tls'), { tls });
    stops.push(tlsReg.stop);
    helm(home, ['push', podinfo, `oci://${tlsReg.host}/charts`, '--ca-file', tls.caFile]);
    await t.test('TLS with the CA file; refused without it', async () => {
      const text = `${repoDoc(`oci://${tlsReg.host}/charts`, '  type: oci\n')}---\n${releaseDoc('podinfo', '6.14.1')}`;
      const ok = await run(text, cache(), { ca: fs.readFileSync(tls.caFile, 'utf8') });
      assert.deepStrictEqual(
        ok.problems.filter((p) => p.code.startsWith('chart')),
        [],
      );
      assert.deepStrictEqual(ok.values, podinfoValues);
      const no = await run(text, cache());
      assert.match(
        no.problems.find((x) => x.code === 'chart-fetch')?.message ?? '',
        /certificate/i,
      );
    });

    // ---- HTTP Helm repository with faults
    const repoDir = path.join(work, 'httprepo');
    fs.mkdirSync(path.join(repoDir, 'charts'), { recursive: true });
    fs.copyFileSync(podinfo, path.join(repoDir, 'charts', path.basename(podinfo)));
    fs.copyFileSync(redis, path.join(repoDir, 'charts', path.basename(redis)));
    helm(home, ['repo', 'index', repoDir]); // relative URLs: charts/podinfo-6.14.1.tgz
    let faults: Record<string, Fault> = {};
    const srv = await serveFolder(repoDir, (p) => faults[p] ?? 'none');
    stops.push(srv.stop);
    // a second repository whose index points at the first with absolute URLs, and one with a wrong digest
    const absDir = path.join(work, 'absrepo');
    fs.mkdirSync(absDir);
    const index = fs.readFileSync(path.join(repoDir, 'index.yaml'), 'utf8');
    fs.writeFileSync(
      path.join(absDir, 'index.yaml'),
      index.replace(/- charts\//g, `- ${srv.url}/charts/`),
    );
    const badDir = path.join(work, 'badrepo');
    fs.mkdirSync(badDir);
    fs.writeFileSync(
      path.join(badDir, 'index.yaml'),
      index
        .replace(/- charts\//g, `- ${srv.url}/charts/`)
        .replace(/digest: ([0-9a-f]{8})/g, 'digest: 00000000'),
    );
    const abs = await serveFolder(absDir);
    stops.push(abs.stop);
    const bad = await serveFolder(badDir);
    stops.push(bad.stop);

    await t.test(
      'HTTP repository: relative and absolute chart URLs, version constraint',
      async () => {
        const rel = await run(`${repoDoc(srv.url)}---\n${releaseDoc('podinfo', '6.x')}`, cache());
        assert.deepStrictEqual(
          rel.problems.filter((p) => p.code.startsWith('chart')),
          [],
        );
        assert.deepStrictEqual(rel.values, podinfoValues);
        const a = await run(`${repoDoc(abs.url)}---\n${releaseDoc('redis', '23.1.1')}`, cache());
        assert.deepStrictEqual(
          a.problems.filter((p) => p.code.startsWith('chart')),
          [],
        );
        assert.deepStrictEqual(a.values, redisValues);
      },
    );
    await t.test(
      'HTTP repository faults: truncated, corrupt, digest mismatch, 403, no answer, no matching version',
      async () => {
        const chartPath = `/charts/${path.basename(podinfo)}`;
        const cases: {
          fault?: Fault;
          url?: string;
          version?: string;
          timeoutMs?: number;
          expect: RegExp;
        }[] = [
          { fault: 'truncate', expect: /closed before the whole answer|not a readable chart/ },
          { fault: 'corrupt', expect: /does not match the digest/ },
          { url: bad.url, expect: /does not match the digest in index\.yaml/ },
          { fault: 'forbidden', expect: /forbidden \(403\)/ },
          { fault: 'slow', timeoutMs: 300, expect: /timeout/ },
          { version: '>=99.0.0', expect: /no version of chart podinfo .* matches `>=99\.0\.0`/ },
        ];
        for (const c of cases) {
          const dir = cache();
          faults = c.fault ? { [chartPath]: c.fault } : {};
          const r = await run(
            `${repoDoc(c.url ?? srv.url)}---\n${releaseDoc('podinfo', c.version ?? '6.14.1')}`,
            dir,
            { timeoutMs: c.timeoutMs },
          );
          const p = r.problems.filter((x) => x.code === 'chart-fetch');
          assert.equal(
            p.length,
            1,
            `${c.fault ?? c.version ?? c.url}: ${JSON.stringify(r.problems)}`,
          );
          assert.match(p[0].message, c.expect);
          assert.equal(p[0].line, r.chartLine);
          assert.deepStrictEqual(
            r.values,
            { replicaCount: 3 },
            'the rest of the values still shown',
          );
          assert.deepStrictEqual(blobs(dir), [], `${c.fault}: nothing cached`);
          assert.ok(!cacheFiles(dir).some((f) => f.includes('.tmp-')));
        }
        faults = {};
        // the index is kept: offline, the chart not yet fetched is reported as not in the cache
        const dir = cache();
        const off = await run(`${repoDoc(srv.url)}---\n${releaseDoc('podinfo', '6.14.1')}`, dir, {
          offline: true,
        });
        assert.match(
          off.problems.find((x) => x.code === 'chart-not-found')?.message ?? '',
          /not in the chart cache and fetching is off/,
        );
      },
    );
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
});
