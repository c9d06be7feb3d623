// Which .Values path each action of a template printed (TemplateSet.executeWithOrigins), on
// small templates with the values below; the expected paths are read off the templates by hand.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { TemplateSet } from '../../../server/src/engine/template/exec';
import { helmFuncs } from '../../../server/src/engine/template/funcs';
import { GoMap, fromJS, newMap } from '../../../server/src/engine/template/value';

const VALUES = {
  image: { repository: 'nginx', tag: '1.27' },
  hosts: [{ name: 'a.example' }, { name: 'b.example' }],
  labels: { team: 'web', tier: 'front' },
  'dash-key': { inner: 'x' },
  replicas: 2,
};

/** The values paths of the actions that printed something, in output order. */
function printed(template: string): (string | number)[][] {
  const set = new TemplateSet(helmFuncs);
  set.add('t', template);
  const data = newMap([['Values', fromJS(VALUES) as GoMap]]);
  return set
    .executeWithOrigins('t', data)
    .spans.filter((s) => !s.text && s.len > 0)
    .map((s) => s.values ?? []);
}

describe('executeWithOrigins: the .Values path an action printed', () => {
  const cases: [string, string, (string | number)[][]][] = [
    ['a field chain', '{{ .Values.image.tag }}', [['image', 'tag']]],
    ['through $', '{{ $.Values.replicas }}', [['replicas']]],
    [
      'a variable holding a map',
      '{{ $i := .Values.image }}{{ $i.repository }}',
      [['image', 'repository']],
    ],
    [
      'a variable holding a scalar',
      '{{ $t := .Values.image.tag }}{{ $t | quote }}',
      [['image', 'tag']],
    ],
    ['a variable assigned again', '{{ $t := .Values.image.tag }}{{ $t = "x" }}{{ $t }}', [[]]],
    [
      'with',
      '{{ with .Values.image }}{{ .tag }}/{{ .repository }}{{ end }}',
      [
        ['image', 'tag'],
        ['image', 'repository'],
      ],
    ],
    ['with, dot itself', '{{ with .Values.image.tag }}{{ . }}{{ end }}', [['image', 'tag']]],
    [
      'range over a list',
      '{{ range .Values.hosts }}{{ .name }},{{ end }}',
      [
        ['hosts', 0, 'name'],
        ['hosts', 1, 'name'],
      ],
    ],
    [
      'range with variables over a map',
      '{{ range $k, $v := .Values.labels }}{{ $k }}={{ $v }};{{ end }}',
      // A printed key names its entry too.
      [
        ['labels', 'team'],
        ['labels', 'team'],
        ['labels', 'tier'],
        ['labels', 'tier'],
      ],
    ],
    ['index with literal keys', '{{ index .Values "dash-key" "inner" }}', [['dash-key', 'inner']]],
    ['index of a list', '{{ (index .Values.hosts 1).name }}', [['hosts', 1, 'name']]],
    [
      'default and a pass-through pipeline',
      '{{ default "x" .Values.image.tag | upper | quote }}',
      [['image', 'tag']],
    ],
    ['a function that is no pass-through', '{{ len .Values.image.tag }}', [[]]],
    [
      'printf: the first value it prints',
      '{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}',
      [['image', 'repository']],
    ],
    [
      'a define called with a values map',
      '{{ define "d" }}{{ .tag }}{{ end }}{{ template "d" .Values.image }}',
      [['image', 'tag']],
    ],
    ['a literal', '{{ "x" }}', [[]]],
    [
      'a ternary choosing a value or its YAML (Bitnami common)',
      '{{ $v := typeIs "string" .Values.image | ternary .Values.image (.Values.image | toYaml) }}{{ $v }}',
      [['image']],
    ],
    ['a ternary between two values', '{{ ternary .Values.image.tag .Values.replicas true }}', [[]]],
    [
      'a scalar stored in a dict',
      '{{ define "d" }}{{ .value }}{{ end }}{{ template "d" (dict "value" .Values.image.tag) }}',
      [['image', 'tag']],
    ],
    ['omit', '{{ omit .Values.image "tag" | toYaml }}', [['image']]],
    ['a field of a deepCopy', '{{ (deepCopy .Values.image).tag }}', [['image', 'tag']]],
    ['the text given to tpl', '{{ tpl .Values.image.tag . }}', [['image', 'tag']]],
  ];
  for (const [name, template, want] of cases)
    it(name, () => assert.deepEqual(printed(template), want));
});

describe('executeWithOrigins: several values in one action', () => {
  it('names the others as also (printf, print, cat)', () => {
    const set = new TemplateSet(helmFuncs);
    set.add(
      't',
      '{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}{{ cat .Values.replicas "x" .Values.replicas }}',
    );
    const data = newMap([['Values', fromJS(VALUES) as GoMap]]);
    const spans = set.executeWithOrigins('t', data).spans.filter((s) => !s.text);
    assert.deepEqual(
      spans.map((s) => [s.values, s.also]),
      [
        [['image', 'repository'], [['image', 'tag']]],
        [['replicas'], undefined],
      ],
    );
  });
});

describe('executeWithOrigins: an include printed as is or through indent/nindent', () => {
  const DEFINE =
    '{{- define "x" -}}\ntag: {{ .Values.image.tag }}\nn: {{ .Values.replicas }}\n{{- end }}';
  function actions(template: string) {
    const set = new TemplateSet(helmFuncs);
    set.add('t', DEFINE + template);
    const data = newMap([['Values', fromJS(VALUES) as GoMap]]);
    return set.executeWithOrigins('t', data).spans.filter((s) => !s.text && s.len > 0);
  }
  const inner = (s: ReturnType<typeof actions>[number]) =>
    s.included && {
      text: s.included.text,
      lead: s.included.lead,
      values: s.included.spans.filter((x) => !x.text).map((x) => [x.line, x.values]),
    };
  // The define's lines 2 and 3 print .Values.image.tag and .Values.replicas.
  const INNER = [
    [2, ['image', 'tag']],
    [3, ['replicas']],
  ];
  it('keeps the included spans, with the lines nindent puts first', () => {
    assert.deepEqual(inner(actions('{{ include "x" . | nindent 4 }}')[0]), {
      text: 'tag: 1.27\nn: 2',
      lead: 1,
      values: INNER,
    });
    assert.deepEqual(inner(actions('{{ include "x" . | indent 2 | nindent 2 }}')[0])?.lead, 1);
    assert.deepEqual(inner(actions('{{ include "x" . }}')[0])?.lead, 0);
  });
  it('follows a scalar passed as the include dot, and trim', () => {
    // The define "s" is on the template's line 4, after DEFINE's three line breaks.
    const s = '{{ define "s" }}{{ . }}{{ end }}';
    assert.deepEqual(inner(actions(s + '{{ include "s" .Values.replicas }}')[0]), {
      text: '2',
      lead: 0,
      values: [[4, ['replicas']]],
    });
    // trim takes the line nindent put first off again.
    assert.deepEqual(inner(actions('{{ include "x" . | nindent 4 | trim }}')[0]), {
      text: 'tag: 1.27\nn: 2',
      lead: 0,
      values: INNER,
    });
  });
  it('gives none when the text was reshaped otherwise', () => {
    assert.equal(actions('{{ include "x" . | upper }}')[0].included, undefined);
    assert.equal(actions('{{ include "x" . | nindent 2 | trunc 3 }}')[0].included, undefined);
    assert.equal(actions('{{ $v := include "x" . }}{{ "y" }}')[0].included, undefined);
  });
});
