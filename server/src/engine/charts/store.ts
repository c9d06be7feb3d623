// The chart cache as the engine sees it: content-addressed blobs (sha256 digests, verified on
// the way in and on the way out) and small metadata records (index.yaml texts, tag lists,
// which digest a chart reference resolved to) with the time they were fetched. The disk
// implementation (server/src/platform/diskChartStore.ts) writes atomically and bounds the size;
// MemoryChartStore serves tests.

import { createHash } from 'crypto';

export interface ChartStore {
  /** The blob with this digest (`sha256:<hex>`), or undefined; never returns bytes that do not match. */
  getBlob(digest: string): Uint8Array | undefined;
  /** Stores bytes already verified against `digest`. */
  putBlob(digest: string, data: Uint8Array): void;
  getMeta(key: string): { value: string; fetchedAt: number } | undefined;
  putMeta(key: string, value: string): void;
}

export function sha256(data: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export class MemoryChartStore implements ChartStore {
  readonly blobs = new Map<string, Uint8Array>();
  readonly meta = new Map<string, { value: string; fetchedAt: number }>();
  constructor(private readonly now: () => number = Date.now) {}
  getBlob(digest: string): Uint8Array | undefined {
    const b = this.blobs.get(digest);
    return b && sha256(b) === digest ? b : undefined;
  }
  putBlob(digest: string, data: Uint8Array): void {
    this.blobs.set(digest, data);
  }
  getMeta(key: string): { value: string; fetchedAt: number } | undefined {
    return this.meta.get(key);
  }
  putMeta(key: string, value: string): void {
    this.meta.set(key, { value, fetchedAt: this.now() });
  }
}
