import {
  DocumentNode,
  FieldNode,
  GraphQLSchema,
  Kind,
  SelectionSetNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

/**
 * TrackVision's documents select relational fields both ways: `identifier_job { id reference_id }`
 * and bare `product` / `reserved_for`, expecting the key. Standard GraphQL has no field that is
 * both an object and a leaf, so a bare selection of such a field is expanded, before validation,
 * into `field { __sid_key: <key field> }`; after execution every object that holds nothing but
 * `__sid_key` is replaced by its value. Introspection shows the fields as objects, as Directus does.
 */
export const KEY_ALIAS = '__sid_key';

/** Field extension marking a field that may be selected bare; its value names the key field. */
export const KEY_FIELD_EXTENSION = 'sidKeyField';

export function expandKeySelections(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node): FieldNode | undefined {
        if (node.selectionSet) return undefined;
        const keyField = typeInfo.getFieldDef()?.extensions?.[KEY_FIELD_EXTENSION];
        if (typeof keyField !== 'string') return undefined;
        return { ...node, selectionSet: keySelection(keyField) };
      },
    }),
  );
}

/** True for the selection set `expandKeySelections` adds. */
export function isKeySelection(selectionSet: SelectionSetNode | undefined): boolean {
  if (!selectionSet || selectionSet.selections.length !== 1) return false;
  const [only] = selectionSet.selections;
  return only.kind === Kind.FIELD && only.alias?.value === KEY_ALIAS;
}

/** Undoes the expansion in an execution result: `{ __sid_key: x }` → `x`, at any depth. */
export function collapseKeySelections(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(collapseKeySelections);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === KEY_ALIAS) return entries[0][1];
    return Object.fromEntries(entries.map(([key, item]) => [key, collapseKeySelections(item)]));
  }
  return value;
}

function keySelection(keyField: string): SelectionSetNode {
  return {
    kind: Kind.SELECTION_SET,
    selections: [
      {
        kind: Kind.FIELD,
        alias: { kind: Kind.NAME, value: KEY_ALIAS },
        name: { kind: Kind.NAME, value: keyField },
      },
    ],
  };
}
