// Charts from their sources: which source a release's chart comes from (source.ts), fetching it
// into a content-addressed cache over an injected HttpClient (fetch.ts, oci.ts), loading it with
// its subcharts (load.ts), and chart files kept in a workspace (layout.ts).
// `ChartService` ties them for the CLI and the server: collect the sources of a build's
// releases, fetch them (bounded concurrency), then answer `chartLookup` synchronously.

import { YMap } from '../yaml/node';
import { ChartFetcher, FetchOptions, FetchResult } from './fetch';
import { Chart } from './model';
import { chartSourceOf, describeSource, sourceKey } from './source';

export * from './layout';
export * from './schemaScopes';
export * from './load';
export * from './model';
export * from './source';
export * from './fetch';
export * from './store';
export * from './http';
export * from './credentials';

export class ChartService {
  readonly fetcher: ChartFetcher;
  private readonly results = new Map<string, FetchResult>();
  private readonly loaded = new Map<string, Chart | { error: string }>();
  constructor(readonly options: FetchOptions) {
    this.fetcher = new ChartFetcher(options);
  }

  /** Fetches the charts of every HelmRelease in `docs` (a build output). Resolves when all are settled. */
  async prepare(docs: readonly YMap[], isRelease: (d: YMap) => boolean): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const d of docs) {
      if (!isRelease(d)) continue;
      const r = chartSourceOf(d, docs);
      if (!r.source) continue;
      const key = sourceKey(r.source);
      if (this.results.has(key)) continue;
      jobs.push(this.fetcher.fetch(r.source).then((res) => void this.results.set(key, res)));
    }
    await Promise.all(jobs);
  }

  /** For EffectiveValuesOptions.chartLookup: what prepare() found (undefined: look on disk). */
  lookup(
    release: YMap,
    docs: readonly YMap[],
  ): Chart | { error: string; offline?: boolean } | undefined {
    const r = chartSourceOf(release, docs);
    if (r.local || (!r.source && !r.error)) return undefined;
    if (!r.source) return { error: r.error ?? 'unknown source', offline: r.unresolved };
    const key = sourceKey(r.source);
    const res = this.results.get(key);
    if (!res) return undefined;
    if ('error' in res) return res;
    let c = this.loaded.get(res.digest);
    if (!c) {
      c = this.fetcher.load(res);
      this.loaded.set(res.digest, c);
    }
    return c;
  }

  /** The packaged chart (.tgz bytes) a fetched chart was loaded from, by its label (Chart.source). */
  archive(label: string): Uint8Array | undefined {
    for (const res of this.results.values())
      if (!('error' in res) && res.label === label) return this.options.store.getBlob(res.digest);
    return undefined;
  }

  /** Sources that were fetched over the network (for progress and reports). */
  summary(): { source: string; result: FetchResult }[] {
    return [...this.results].map(([source, result]) => ({ source, result }));
  }
}

export { describeSource };
