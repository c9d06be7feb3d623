// Chooses the schema for each YAML document: kustomization files by file name or by
// kustomize.config.k8s.io apiVersion, everything else by apiVersion and kind, first among the
// schemas we author, then among CustomResourceDefinitions the caller registered. Deprecated
// apiVersions validate against a schema of their own fields and get a warning naming the
// current version, with whether the document would be valid under it (for a quick fix).

import * as path from 'path';
import type { YNode } from '../yaml/node';
import { get, getString, isMap } from '../yaml/node';
import { BUILTIN_ENTRIES, builtinSchema } from './builtin';
import { crdSchemas } from './crd';
import { validateDocument } from './validate';
import { JsonSchema, SchemaProblem, problemAt } from './types';

export interface SchemaChoice {
  apiVersion: string;
  kind: string;
  /** How messages name the document: `HelmRelease`, `kustomization.yaml`. */
  label: string;
  schema: JsonSchema;
  source: 'builtin' | 'crd';
  /** For a deprecated apiVersion: the current one. */
  replacement?: string;
  /** The CRD's own deprecation text, when it has one. */
  deprecationWarning?: string;
}

const KUSTOMIZATION_FILE_NAMES = new Set([
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
]);
const KUSTOMIZE_CONFIG_GROUP = 'kustomize.config.k8s.io/';

export function isKustomizationFileName(file: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.has(path.posix.basename(file.replace(/\\/g, '/')));
}

let chartYaml: SchemaChoice | undefined;
/** Helm's Chart.yaml (no kind: chosen by file name). */
const CHART_YAML = (): SchemaChoice =>
  (chartYaml ??= {
    apiVersion: 'v2',
    kind: 'Chart',
    label: 'Chart.yaml',
    schema: builtinSchema('chart.json'),
    source: 'builtin',
  });

const key = (apiVersion: string, kind: string) => `${apiVersion}|${kind}`;

export class SchemaRegistry {
  private readonly builtin = new Map<string, SchemaChoice>();
  private readonly crds = new Map<string, SchemaChoice>();

  /**
   * `loadCrds`, when given, is called before each look among the CRDs, to register those not
   * registered yet (the workspace index reads its files after its first answers): a document
   * of a kind we author never waits for it.
   */
  constructor(private readonly loadCrds?: () => void) {
    for (const e of BUILTIN_ENTRIES) {
      const isKustomizeConfig = e.apiVersion.startsWith(KUSTOMIZE_CONFIG_GROUP);
      const choice: SchemaChoice = {
        apiVersion: e.apiVersion,
        kind: e.kind,
        label: isKustomizeConfig ? 'kustomization.yaml' : e.kind,
        schema: builtinSchema(e.schemaId),
        source: 'builtin',
      };
      if (e.replacement) choice.replacement = e.replacement;
      this.builtin.set(key(e.apiVersion, e.kind), choice);
    }
  }

  /**
   * Registers the CustomResourceDefinitions among `documents` (other documents are ignored).
   * Kinds we author schemas for keep ours: they carry our documentation.
   */
  addCrds(documents: readonly (YNode | undefined)[], file: string): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    for (const root of documents) {
      const r = crdSchemas(root, builtinSchema('common.json').$defs?.objectMeta ?? {}, file);
      problems.push(...r.problems);
      for (const v of r.schemas) {
        const choice: SchemaChoice = {
          apiVersion: v.apiVersion,
          kind: v.kind,
          label: v.kind,
          schema: v.schema,
          source: 'crd',
        };
        if (v.replacement) choice.replacement = v.replacement;
        if (v.deprecationWarning) choice.deprecationWarning = v.deprecationWarning;
        this.crds.set(key(v.apiVersion, v.kind), choice);
      }
    }
    return problems;
  }

  /** Forgets every registered CRD (before re-reading a workspace). */
  clearCrds(): void {
    this.crds.clear();
  }

  lookup(apiVersion: string, kind: string): SchemaChoice | undefined {
    const builtin = this.builtin.get(key(apiVersion, kind));
    if (builtin) return builtin;
    this.loadCrds?.();
    return this.crds.get(key(apiVersion, kind));
  }

  /** Every apiVersion/kind pair with a schema, for completion of `apiVersion` and `kind`. */
  known(): { apiVersion: string; kind: string; deprecated: boolean }[] {
    this.loadCrds?.();
    return [...this.builtin.values(), ...this.crds.values()].map((c) => ({
      apiVersion: c.apiVersion,
      kind: c.kind,
      deprecated: c.replacement !== undefined,
    }));
  }

  /** The schema for one document of `file`, or undefined when we have none for its kind. */
  schemaFor(root: YNode | undefined, file: string): SchemaChoice | undefined {
    const apiVersion = getString(root, 'apiVersion');
    const kind = getString(root, 'kind');
    const kustomizeConfig =
      apiVersion === undefined || apiVersion.startsWith(KUSTOMIZE_CONFIG_GROUP);
    if (isKustomizationFileName(file) && kustomizeConfig && (root === undefined || isMap(root))) {
      return this.builtin.get(
        key(
          kind === 'Component'
            ? 'kustomize.config.k8s.io/v1alpha1'
            : 'kustomize.config.k8s.io/v1beta1',
          kind === 'Component' ? 'Component' : 'Kustomization',
        ),
      );
    }
    if (
      path.posix.basename(file.replace(/\\/g, '/')) === 'Chart.yaml' &&
      kind === undefined &&
      (root === undefined || isMap(root))
    )
      return CHART_YAML();
    if (apiVersion === undefined || kind === undefined) return undefined;
    if (
      apiVersion.startsWith(KUSTOMIZE_CONFIG_GROUP) &&
      (kind === 'Kustomization' || kind === 'Component')
    ) {
      return this.builtin.get(
        key(
          kind === 'Component'
            ? 'kustomize.config.k8s.io/v1alpha1'
            : 'kustomize.config.k8s.io/v1beta1',
          kind,
        ),
      );
    }
    return this.lookup(apiVersion, kind);
  }

  /**
   * Validates one document with its schema (no problems when there is none). `partial` for
   * kustomize patch files. Adds the deprecation warning for old apiVersions.
   */
  validate(root: YNode | undefined, file: string, options: { partial: boolean }): SchemaProblem[] {
    if (!root) return [];
    const choice = this.schemaFor(root, file);
    if (!choice) return [];
    const problems = validateDocument(root, choice.schema, {
      partial: options.partial,
      label: choice.label,
      file,
    });
    if (choice.replacement) problems.unshift(this.deprecation(root, choice, file));
    return problems;
  }

  private deprecation(root: YNode, choice: SchemaChoice, file: string): SchemaProblem {
    const replacement = choice.replacement as string;
    const current = this.lookup(replacement, choice.kind);
    let fieldsMap = false;
    const removedFields: string[] = [];
    if (current) {
      // Would the document be valid under the current version? apiVersion itself aside.
      const under = validateDocument(root, current.schema, {
        partial: true,
        label: current.label,
        file,
      }).filter((p) => p.path[0] !== 'apiVersion');
      for (const p of under)
        if (p.code === 'schema-unknown-field') removedFields.push(p.path.join('.'));
      fieldsMap = under.length === 0;
    }
    const apiNode = get(root, 'apiVersion');
    const tail = fieldsMap
      ? `; the fields map unchanged`
      : removedFields.length > 0
        ? `; first move off fields the new version lacks: ${removedFields.map((f) => `\`${f}\``).join(', ')}`
        : '';
    return problemAt(apiNode?.origin ?? root.origin, file, {
      severity: 'warning',
      code: 'deprecated-api-version',
      path: ['apiVersion'],
      message: `${choice.kind} \`${choice.apiVersion}\` is deprecated: use \`${replacement}\`${tail}${choice.deprecationWarning ? ` (${choice.deprecationWarning})` : ''}`,
      data: { replacement, fieldsMap, removedFields },
    });
  }
}
