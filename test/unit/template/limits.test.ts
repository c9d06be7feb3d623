// The limits a render stops at with an error instead of taking the language server down: a list
// built by count (until, untilStep, seq) over a million items, and an execution over twenty
// million template nodes (nested ranges over values typed by mistake). Helm would run out of
// memory or time on the same input; these say where and why. redis' templates/svc-external.yaml
// line 11 is `{{- range $i, $e := until $nodesCount }}` (column 20: `until`).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TemplateSet } from '../../../server/src/engine/template/exec';
import { helmFuncs } from '../../../server/src/engine/template/funcs';
import { GoMap, fromJS, newMap } from '../../../server/src/engine/template/value';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { loadChartDir } from '../../../server/src/engine/render/chart';
import { renderChart } from '../../../server/src/engine/render/render';
import { PROJECT_ROOT } from '../../support/paths';

function run(template: string, values: unknown = {}): string {
  const set = new TemplateSet(helmFuncs);
  set.add('t', template);
  return set.execute('t', newMap([['Values', fromJS(values) as GoMap]]));
}

describe('render limits', () => {
  it('a list built by count stops at a million items, naming the template line', () => {
    assert.throws(
      () => run('a\n{{ range until (int .Values.n) }}x{{ end }}', { n: 3000000000 }),
      /^Error: template: t:2:\d+: executing "t" at <until>: error calling until: until would build 3000000000 items, more than the 1000000 flux-overlays renders$/,
    );
    assert.throws(() => run('{{ untilStep 0 5000000 2 }}'), /untilStep would build 2500000 items/);
    assert.throws(() => run('{{ seq 2000000 }}'), /seq would build 2000000 items/);
    // At the limit and below, as Helm gives them.
    assert.equal(run('{{ len (until 1000000) }}'), '1000000');
    assert.equal(run('{{ until 3 }} {{ seq 3 }} {{ untilStep 5 0 -2 }}'), '[0 1 2] 1 2 3 [5 3 1]');
  });

  it('an execution stops after twenty million steps, through includes too', () => {
    assert.throws(
      () => run('{{ range until 10000 }}{{ range until 10000 }}.{{ end }}{{ end }}'),
      /rendering stopped after 20000000 steps \(loops over values too large\?\)/,
    );
    assert.throws(
      () =>
        run(
          '{{ define "d" }}{{ range until 10000 }}.{{ end }}{{ end }}{{ range until 10000 }}{{ include "d" . }}{{ end }}',
        ),
      /rendering stopped after 20000000 steps/,
    );
    // Each execution counts afresh.
    const set = new TemplateSet(helmFuncs);
    set.add('t', '{{ range until 1000000 }}.{{ end }}');
    for (let i = 0; i < 3; i++) assert.equal(set.execute('t', null).length, 1000000);
  });

  const REDIS = path.resolve(PROJECT_ROOT, '..', 'shared', 'charts', 'redis');
  it(
    'a replica count typed by mistake on the real redis chart is a render error',
    { skip: !fs.existsSync(REDIS) && 'no redis chart' },
    () => {
      const r = renderChart(
        loadChartDir(new DiskFileSystem(), REDIS),
        fromJS({
          sentinel: { enabled: true, externalAccess: { enabled: true } },
          replica: { replicaCount: 3000000000 },
        }) as GoMap,
        { releaseName: 'rel', namespace: 'ns' },
      );
      assert.equal(r.objects.length, 0);
      assert.equal(r.errors.length, 1);
      assert.match(
        r.errors[0],
        /^execution error at \(redis\/templates\/svc-external\.yaml:11:20\): error calling until: until would build 3000000000 items, more than the 1000000 flux-overlays renders$/,
      );
    },
  );
});
