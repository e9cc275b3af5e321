/**
 * Known fields of the objects learners write, for strict field validation (`kubectl create/apply` send
 * `fieldValidation=Strict`, and the API server answers an unknown field with 400). A shape lists the
 * fields of one object; `open` shapes (maps, objects we do not describe) are not checked inside.
 */
export type TShape = { fields: Record<string, TShape | "leaf" | { list: TShape | "leaf" }>; open?: boolean };

/** A scalar field, or a list of scalars. */
export const leaf = "leaf" as const;

/** A map or an object whose inside is not checked (labels, annotations, selectors). */
export const map: TShape = { fields: {}, open: true };

/** metav1.ObjectMeta, as every kind carries it. */
export const objectMeta: TShape = {
  fields: {
    annotations: map,
    creationTimestamp: leaf,
    deletionGracePeriodSeconds: leaf,
    deletionTimestamp: leaf,
    finalizers: { list: leaf },
    generateName: leaf,
    generation: leaf,
    labels: map,
    managedFields: { list: map },
    name: leaf,
    namespace: leaf,
    ownerReferences: { list: map },
    resourceVersion: leaf,
    selfLink: leaf,
    uid: leaf,
  },
};

function walk(value: unknown, shape: TShape, path: string, found: string[]): void {
  if (shape.open || typeof value !== "object" || value === null || Array.isArray(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    const fieldPath = path ? `${path}.${key}` : key;
    const rule = shape.fields[key];
    if (rule === undefined) {
      found.push(fieldPath);
      continue;
    }
    if (rule === leaf) continue;
    if ("list" in rule) {
      const item = rule.list;
      if (item !== leaf && Array.isArray(inner))
        inner.forEach((element, index) => walk(element, item, `${fieldPath}[${index}]`, found));
      continue;
    }
    walk(inner, rule, fieldPath, found);
  }
}

/** Paths of fields `manifest` sets that `shape` does not have (`spec.containers[0].imagee`). */
export function unknownFieldsIn(manifest: unknown, shape: TShape): string[] {
  const found: string[] = [];
  walk(manifest, shape, "", found);
  return found;
}

/** A top-level object shape: apiVersion, kind, metadata and the kind's own fields. */
export function objectShape(fields: TShape["fields"]): TShape {
  return { fields: { apiVersion: leaf, kind: leaf, metadata: objectMeta, ...fields } };
}
