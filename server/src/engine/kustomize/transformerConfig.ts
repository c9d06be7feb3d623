// The transformer config a build carries from bases into overlays: the field specs each step
// reads (by configurations key, defaults from the steps' own declarations) and the name
// reference rules. `configurations:` files add to it under the same keys.

import { NameReferenceRule, nameReferenceRules } from './builtinConfig';
import { FieldSpec } from './fieldspec';
import { ALL_STEPS } from './steps';
import type { TransformerConfig } from './steps/step';

// The type is declared with the steps that read it (steps/step.ts), so the steps never import
// this file, which lists them.
export type { TransformerConfig };

/** The configurations keys that hold field-spec lists: those the steps declare. */
export const FIELD_SPEC_KEYS: readonly string[] = [
  ...new Set(ALL_STEPS.flatMap((s) => Object.keys(s.fieldSpecs ?? {}))),
];

/** The keys a `configurations:` file may set. */
export const CONFIGURATION_KEYS: readonly string[] = [...FIELD_SPEC_KEYS, 'nameReference'];

/** Each key's defaults, from the one step declaring it (test/unit/kustomize/fields.test.ts). */
function defaults(): Record<string, readonly FieldSpec[]> {
  const out: Record<string, readonly FieldSpec[]> = {};
  for (const s of ALL_STEPS)
    for (const [key, specs] of Object.entries(s.fieldSpecs ?? {})) out[key] ??= specs;
  return out;
}

let builtin: Record<string, readonly FieldSpec[]> | undefined;

export function defaultTransformerConfig(): TransformerConfig {
  builtin ??= defaults();
  const fieldSpecs: Record<string, FieldSpec[]> = {};
  for (const key of FIELD_SPEC_KEYS) fieldSpecs[key] = builtin[key].slice();
  return {
    fieldSpecs,
    nameReference: nameReferenceRules.map((r) => ({
      referral: r.referral,
      fieldSpecs: r.fieldSpecs.slice(),
    })),
  };
}

/** Adds specs that are not already there (same gvk and path), as kustomize's config merge does. */
export function mergeSpecs(into: FieldSpec[], more: FieldSpec[]): void {
  if (more === into || more.length === 0) return;
  // The common case, a folder's default specs merged into its parent's: the same objects.
  if (more.length <= into.length && more.every((s, i) => s === into[i])) return;
  const seen = new Set(into.map(specKey));
  for (const s of more) {
    const k = specKey(s);
    if (!seen.has(k)) {
      seen.add(k);
      into.push(s);
    }
  }
}

function specKey(s: FieldSpec): string {
  return `${s.group ?? ''}|${s.version ?? ''}|${s.kind ?? ''}|${s.path}`;
}

export function mergeConfig(
  into: TransformerConfig,
  more: { fieldSpecs?: Record<string, FieldSpec[]>; nameReference?: NameReferenceRule[] },
): void {
  for (const [key, specs] of Object.entries(more.fieldSpecs ?? {}))
    mergeSpecs((into.fieldSpecs[key] ??= []), specs);
  for (const rule of more.nameReference ?? []) {
    const same = into.nameReference.find(
      (r) =>
        (r.referral.kind ?? '') === (rule.referral.kind ?? '') &&
        (r.referral.group ?? '') === (rule.referral.group ?? '') &&
        (r.referral.version ?? '') === (rule.referral.version ?? ''),
    );
    if (same) mergeSpecs(same.fieldSpecs, rule.fieldSpecs);
    else into.nameReference.push({ referral: rule.referral, fieldSpecs: rule.fieldSpecs.slice() });
  }
}
