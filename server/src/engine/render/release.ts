// What helm-controller derives from a HelmRelease before it calls Helm: the release name
// (spec.releaseName, else [targetNamespace-]name, shortened past 53 characters to 40
// characters + "-" + 12 hex of its sha256) and namespace (targetNamespace, else the object's),
// whether crds/ are installed (spec.install.crds, default Create) and tests kept (spec.test.enable).

import * as crypto from 'crypto';
import { YMap, get, getString } from '../yaml/node';

export function shortenName(name: string): string {
  if (Buffer.byteLength(name) <= 53) return name;
  const sum = crypto.createHash('sha256').update(name).digest('hex');
  return (
    Buffer.from(name)
      .subarray(0, 53 - 13)
      .toString() +
    '-' +
    sum.slice(0, 12)
  );
}

export interface ReleaseSettings {
  releaseName: string;
  namespace: string;
  includeCrds: boolean;
  includeTests: boolean;
}

export function releaseSettings(hr: YMap): ReleaseSettings {
  const spec = get(hr, 'spec');
  const name = getString(get(hr, 'metadata'), 'name') ?? '';
  const ns = getString(get(hr, 'metadata'), 'namespace') ?? 'default';
  const target = getString(spec, 'targetNamespace') ?? '';
  const explicit = getString(spec, 'releaseName') ?? '';
  const releaseName = shortenName(explicit || (target ? `${target}-${name}` : name));
  const crds = getString(get(spec, 'install'), 'crds') ?? 'Create';
  const test = get(get(spec, 'test'), 'enable');
  return {
    releaseName,
    namespace: target || ns,
    includeCrds: crds !== 'Skip',
    includeTests: test?.kind === 'scalar' && test.value === true,
  };
}
