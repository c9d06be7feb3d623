// Fetching charts into the cache: a ChartSource (source.ts) -> the digest of the packaged chart
// in the ChartStore. HTTP repositories: index.yaml (cached, refreshed after `maxAgeMs`),
// version chosen as Helm does (an exact match first, else the highest satisfying the constraint;
// pre-releases only when the constraint names one), chart URL relative to the repository or
// absolute, digest from the index checked. OCI: tag (or semver over the tag list, `_` read as
// `+`) or digest -> manifest -> the Helm chart layer (or layerSelector's media type) -> blob,
// digest checked. Nothing is stored unless it verified and reads as a chart. Offline: the same
// walk over the cache only. Never throws: results carry the error.

import { parse as parseYamlText } from 'yaml';
import { maxSatisfying } from '../values/semver';
import { loadChartBytes } from './load';
import { Chart } from './model';
import { CredentialLookup } from './credentials';
import { HttpClient, Limiter } from './http';
import { FetchError, HELM_CHART_LAYER, OciSession, parseOciUrl } from './oci';
import { ChartSource, describeSource, isExactVersion, sourceKey } from './source';
import { ChartStore, sha256 } from './store';

export interface FetchOptions {
  store: ChartStore;
  /** Absent or `offline`: only the cache is used. */
  http?: HttpClient;
  offline?: boolean;
  /** Age after which index.yaml files and tag lists are fetched again (default one hour). */
  maxAgeMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  credentials?: CredentialLookup;
  /** PEM text of extra CAs for https. */
  ca?: string;
  signal?: AbortSignal;
  now?: () => number;
  /** Largest packaged chart downloaded (default 64 MiB). */
  maxChartBytes?: number;
  /** Largest index.yaml downloaded (default 64 MiB: the largest public indexes are a few tens of MB). */
  maxIndexBytes?: number;
  onProgress?: (message: string) => void;
}

export const MAX_CHART_BYTES = 64 << 20;
export const MAX_INDEX_BYTES = 64 << 20;

export type FetchResult =
  { digest: string; label: string; fetched: boolean } | { error: string; offline?: boolean };

export class ChartFetcher {
  private readonly limiter: Limiter;
  private readonly inflight = new Map<string, Promise<FetchResult>>();
  constructor(private readonly o: FetchOptions) {
    this.limiter = new Limiter(o.concurrency ?? 4);
  }

  private get online(): boolean {
    return !this.o.offline && this.o.http !== undefined;
  }

  /** Fetches (or finds in the cache) the chart of a source; one request per source at a time. */
  fetch(source: ChartSource): Promise<FetchResult> {
    const key = sourceKey(source);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.limiter
        .run(() => this.resolve(source))
        .catch((e: unknown) => ({ error: `${describeSource(source)}: ${errorText(e)}` }));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Loads a fetched chart from the store. */
  load(result: FetchResult): Chart | { error: string } {
    if ('error' in result) return result;
    const data = this.o.store.getBlob(result.digest);
    if (!data)
      return { error: `${result.label}: not in the chart cache any more (${result.digest})` };
    return loadChartBytes(data, result.label);
  }

  private fresh(key: string): string | undefined {
    const m = this.o.store.getMeta(key);
    if (!m) return undefined;
    const age = (this.o.now ?? Date.now)() - m.fetchedAt;
    return !this.online || age < (this.o.maxAgeMs ?? 3600_000) ? m.value : undefined;
  }

  private async resolve(s: ChartSource): Promise<FetchResult> {
    return s.kind === 'helm' ? this.resolveHelm(s) : this.resolveOci(s);
  }

  private offlineError(s: ChartSource, what: string): FetchResult {
    return {
      error: `${describeSource(s)}: ${what} is not in the chart cache and fetching is off (offline)`,
      offline: true,
    };
  }

  private async resolveHelm(s: Extract<ChartSource, { kind: 'helm' }>): Promise<FetchResult> {
    if (isExactVersion(s.version)) {
      const d = this.o.store.getMeta(`helm-chart ${s.repoUrl} ${s.chart} ${s.version}`)?.value;
      if (d && this.o.store.getBlob(d))
        return {
          digest: d,
          label: `${s.chart}-${s.version}.tgz from ${s.repoUrl}`,
          fetched: false,
        };
    }
    const indexKey = `index ${s.repoUrl}`;
    let indexText = this.fresh(indexKey);
    if (indexText === undefined) {
      if (!this.online) return this.offlineError(s, 'the repository index');
      this.o.onProgress?.(`Fetching index of ${s.repoUrl}`);
      try {
        const res = await this.o.http!.request({
          url: `${s.repoUrl}/index.yaml`,
          timeoutMs: this.o.timeoutMs ?? 30_000,
          signal: this.o.signal,
          ca: this.o.ca,
          maxBytes: this.o.maxIndexBytes ?? MAX_INDEX_BYTES,
        });
        if (res.status !== 200)
          throw new FetchError(`${s.repoUrl}/index.yaml: ${statusText(res.status)}`, res.status);
        indexText = Buffer.from(res.body).toString('utf8');
        this.o.store.putMeta(indexKey, indexText);
      } catch (e) {
        const stale = this.o.store.getMeta(indexKey)?.value;
        if (stale === undefined) throw e;
        indexText = stale;
      }
    }
    let index: {
      entries?: Record<string, { version: string; urls?: string[]; digest?: string }[]>;
    };
    try {
      index = parseYamlText(indexText, { version: '1.1' }) ?? {};
    } catch (e) {
      return { error: `${s.repoUrl}/index.yaml is not valid YAML: ${errorText(e)}` };
    }
    const versions = index.entries?.[s.chart];
    if (!Array.isArray(versions) || versions.length === 0)
      return { error: `chart ${s.chart} is not in the index of ${s.repoUrl}` };
    const exact = s.version ? versions.find((v) => String(v.version) === s.version) : undefined;
    const best =
      exact ??
      versions.find(
        (v) =>
          String(v.version) ===
          maxSatisfying(
            versions.map((x) => String(x.version)),
            s.version || '*',
          ),
      );
    if (!best) {
      const avail = versions
        .map((v) => String(v.version))
        .slice(0, 5)
        .join(', ');
      return {
        error: `no version of chart ${s.chart} in ${s.repoUrl} matches \`${s.version || '*'}\` (latest: ${avail})`,
      };
    }
    const version = String(best.version);
    const got = `${s.chart}-${version}.tgz from ${s.repoUrl}`;
    const expected = best.digest
      ? `sha256:${best.digest}`
      : this.o.store.getMeta(`helm-chart ${s.repoUrl} ${s.chart} ${version}`)?.value;
    if (expected && this.o.store.getBlob(expected)) {
      this.o.store.putMeta(`helm-chart ${s.repoUrl} ${s.chart} ${version}`, expected);
      return { digest: expected, label: got, fetched: false };
    }
    if (!this.online) return this.offlineError(s, `chart ${s.chart} ${version}`);
    const rawUrl = best.urls?.[0];
    if (!rawUrl)
      return { error: `${s.repoUrl}/index.yaml lists ${s.chart} ${version} without a URL` };
    const url = new URL(rawUrl, s.repoUrl + '/').toString();
    this.o.onProgress?.(`Fetching chart ${s.chart} ${version} from ${s.repoUrl}`);
    const res = await this.o.http!.request({
      url,
      timeoutMs: this.o.timeoutMs ?? 30_000,
      signal: this.o.signal,
      ca: this.o.ca,
      maxBytes: this.o.maxChartBytes ?? MAX_CHART_BYTES,
    });
    if (res.status !== 200) return { error: `${url}: ${statusText(res.status)}` };
    const digest = sha256(res.body);
    if (best.digest && digest !== `sha256:${best.digest}`)
      return {
        error: `${url} does not match the digest in index.yaml (expected sha256:${best.digest}, got ${digest}); nothing cached`,
      };
    const check = loadChartBytes(res.body, got);
    if ('error' in check)
      return { error: `${url} is not a readable chart: ${check.error}; nothing cached` };
    this.o.store.putBlob(digest, res.body);
    this.o.store.putMeta(`helm-chart ${s.repoUrl} ${s.chart} ${version}`, digest);
    return { digest, label: got, fetched: true };
  }

  private async resolveOci(s: Extract<ChartSource, { kind: 'oci' }>): Promise<FetchResult> {
    const ref = parseOciUrl(s.url)!;
    const session = this.online
      ? new OciSession(ref, {
          http: this.o.http!,
          credentials: this.o.credentials,
          insecure: s.insecure,
          ca: this.o.ca,
          timeoutMs: this.o.timeoutMs ?? 30_000,
          signal: this.o.signal,
        })
      : undefined;
    let reference = s.digest ?? s.tag;
    if (!reference) {
      const tagsKey = `tags ${ref.host}/${ref.repository}`;
      let tagsText = this.fresh(tagsKey);
      if (tagsText === undefined) {
        if (!session) return this.offlineError(s, 'the tag list');
        this.o.onProgress?.(`Listing tags of ${s.url}`);
        try {
          tagsText = JSON.stringify(await session.tags());
          this.o.store.putMeta(tagsKey, tagsText);
        } catch (e) {
          tagsText = this.o.store.getMeta(tagsKey)?.value;
          if (tagsText === undefined) throw e;
        }
      }
      const tags = JSON.parse(tagsText) as string[];
      const best = maxSatisfying(
        tags.map((t) => t.replace(/_/g, '+')),
        s.semver ?? '*',
      );
      if (!best)
        return { error: `no tag of ${s.url} matches \`${s.semver ?? '*'}\` (${tags.length} tags)` };
      reference = best.replace(/\+/g, '_');
    }
    const label = `${s.url}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
    const refKey = `oci-ref ${s.url} ${reference} ${s.mediaType ?? ''}`;
    const known = this.o.store.getMeta(refKey);
    const age = (this.o.now ?? Date.now)() - (known?.fetchedAt ?? 0);
    const immutable =
      reference.startsWith('sha256:') || isExactVersion(reference.replace(/_/g, '+'));
    if (
      known &&
      this.o.store.getBlob(known.value) &&
      (!session || immutable || age < (this.o.maxAgeMs ?? 3600_000))
    )
      return { digest: known.value, label, fetched: false };
    if (!session) return this.offlineError(s, label);
    this.o.onProgress?.(`Fetching chart ${label}`);
    const manifest = await session.manifest(reference);
    const want = s.mediaType ?? HELM_CHART_LAYER;
    const layer =
      manifest.layers.find((l) => l.mediaType === want) ??
      (s.mediaType ? undefined : manifest.layers[0]);
    if (!layer) return { error: `${label}: no layer of media type ${want} in the manifest` };
    if (!this.o.store.getBlob(layer.digest)) {
      const data = await session.blob(layer.digest, this.o.maxChartBytes ?? MAX_CHART_BYTES);
      const check = loadChartBytes(data, label);
      if ('error' in check)
        return {
          error: `${label}: the chart layer is not a readable chart: ${check.error}; nothing cached`,
        };
      this.o.store.putBlob(layer.digest, data);
    }
    this.o.store.putMeta(refKey, layer.digest);
    return { digest: layer.digest, label, fetched: true };
  }
}

function statusText(status: number): string {
  return status === 401
    ? 'unauthorized (401)'
    : status === 403
      ? 'forbidden (403)'
      : status === 404
        ? 'not found (404)'
        : `HTTP ${status}`;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
