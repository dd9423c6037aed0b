import {
  FieldNode,
  FragmentDefinitionNode,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  SelectionNode,
  SelectionSetNode,
} from 'graphql';
import { InvalidQueryError } from '@sid/shared/errors';
import { CollectionDefinition, CollectionRegistry } from '@sid/shared/items';
import { isKeySelection } from './graphql-key-selections';
import { valueFromLiteral } from './graphql-scalars';

/** What the translation needs from graphql-js' `GraphQLResolveInfo`. */
export interface SelectionSource {
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  variableValues: Readonly<Record<string, unknown>>;
}

/**
 * A GraphQL selection as Directus query parameters, in the shape `parseItemQuery` reads from a
 * query string: `fields` paths (`id`, `identifier_job.reference_id`) and `deep` options for the
 * one-to-many fields that were given arguments (`codes(limit: 5)` → `deep.codes._limit`).
 */
export interface SelectionQuery {
  fields: string[];
  deep: Record<string, unknown>;
}

/** The selection of a `<collection>_aggregated` field as Directus' `aggregate` parameter. */
export interface AggregateSelection {
  /** `count { id }` → `{ count: ['id'] }`; `sum { quantity }` → `{ sum: ['quantity'] }`. */
  aggregate: Record<string, string[]>;
  /** `countAll` was selected. */
  countAll: boolean;
}

/** Arguments of a one-to-many field → `deep` options (`page` is turned into `_offset`). */
const RELATION_ARGUMENTS: Readonly<Record<string, string>> = {
  filter: '_filter',
  sort: '_sort',
  limit: '_limit',
  offset: '_offset',
};

/**
 * Translates the selection of one root field (`info.fieldNodes`: every node with the same response
 * key) on `collection` into fields and deep options, so that the read is ONE statement however
 * deep the selection goes. Aliases and `__typename` are left to graphql-js; fragments and
 * `@skip` / `@include` are followed. A relational field selected bare (or only for its key after
 * `expandKeySelections`) is read as its key column; a relation selected for `__typename` alone is
 * read as its key, so that it is null exactly when there is no related item.
 *
 * @param defaultLimit rows of a one-to-many field per item, to turn `page` into an offset.
 */
export function selectionToQuery(
  registry: CollectionRegistry,
  collection: string,
  fieldNodes: readonly FieldNode[],
  source: SelectionSource,
  defaultLimit: number,
): SelectionQuery {
  const walker = new SelectionWalker(registry, source, defaultLimit);
  const definition = registry.get(collection);
  let selected = false;
  for (const node of fieldNodes) {
    selected = walker.walk(definition, node.selectionSet, []) || selected;
  }
  if (!selected) walker.add(definition.primaryKey);
  return { fields: walker.fields(), deep: walker.deep() };
}

/** Translates the selection of an `_aggregated` field (`count { id }`, `countAll`, `group`). */
export function aggregateSelection(
  fieldNodes: readonly FieldNode[],
  source: SelectionSource,
): AggregateSelection {
  const aggregate = new Map<string, Set<string>>();
  let countAll = false;
  for (const node of fieldNodes) {
    for (const field of fieldsOf(node.selectionSet, source)) {
      const name = field.name.value;
      if (name === 'countAll') countAll = true;
      if (name === 'countAll' || name === 'group' || name.startsWith('__')) continue;
      const fields = aggregate.get(name) ?? new Set<string>();
      for (const inner of fieldsOf(field.selectionSet, source)) {
        if (!inner.name.value.startsWith('__')) fields.add(inner.name.value);
      }
      if (fields.size > 0) aggregate.set(name, fields);
    }
  }
  return {
    aggregate: Object.fromEntries([...aggregate].map(([name, fields]) => [name, [...fields]])),
    countAll,
  };
}

/** The fields of a selection set: fragments flattened, `@skip` / `@include` applied. */
function fieldsOf(
  selectionSet: SelectionSetNode | undefined,
  source: SelectionSource,
): FieldNode[] {
  if (!selectionSet) return [];
  return selectionSet.selections.flatMap((selection): FieldNode[] => {
    if (!included(selection, source.variableValues)) return [];
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet, source);
    return fieldsOf(source.fragments[selection.name.value]?.selectionSet, source);
  });
}

function included(node: SelectionNode, variables: Readonly<Record<string, unknown>>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

interface DeepEntry {
  path: string[];
  options: Record<string, unknown>;
  signature: string;
}

class SelectionWalker {
  private readonly paths = new Set<string>();
  private readonly deepEntries = new Map<string, DeepEntry>();

  constructor(
    private readonly registry: CollectionRegistry,
    private readonly source: SelectionSource,
    private readonly defaultLimit: number,
  ) {}

  fields(): string[] {
    return [...this.paths];
  }

  deep(): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    for (const { path, options } of this.deepEntries.values()) {
      if (Object.keys(options).length === 0) continue;
      let node = root;
      for (const name of path) {
        if (!Object.hasOwn(node, name)) node[name] = {};
        node = node[name] as Record<string, unknown>;
      }
      Object.assign(node, options);
    }
    return root;
  }

  add(path: string): void {
    this.paths.add(path);
  }

  /** @returns whether anything but `__typename` was selected. */
  walk(
    definition: CollectionDefinition,
    selectionSet: SelectionSetNode | undefined,
    prefix: string[],
  ): boolean {
    let selected = false;
    for (const node of fieldsOf(selectionSet, this.source)) {
      selected = this.field(definition, node, prefix) || selected;
    }
    return selected;
  }

  private field(definition: CollectionDefinition, node: FieldNode, prefix: string[]): boolean {
    const name = node.name.value;
    if (name.startsWith('__')) return false;
    if (!Object.hasOwn(definition.fields, name)) {
      throw new InvalidQueryError(`Field "${name}" does not exist in "${definition.name}".`);
    }
    const segments = [...prefix, name];
    const path = segments.join('.');
    const relation = definition.fields[name].relation;
    if (relation?.kind === 'o2m') this.relationArguments(node, segments);
    if (!relation || !node.selectionSet || isKeySelection(node.selectionSet)) {
      this.add(path);
      return true;
    }
    const related = this.registry.get(relation.collection);
    if (!this.walk(related, node.selectionSet, segments)) this.add(`${path}.${related.primaryKey}`);
    return true;
  }

  private relationArguments(node: FieldNode, path: string[]): void {
    const where = path.join('.');
    const options: Record<string, unknown> = {};
    let page: number | undefined;
    for (const argument of node.arguments ?? []) {
      const value = valueFromLiteral(argument.value, this.source.variableValues);
      if (value === null || value === undefined) continue;
      const name = argument.name.value;
      if (name === 'page') page = Number(value);
      else if (Object.hasOwn(RELATION_ARGUMENTS, name)) options[RELATION_ARGUMENTS[name]] = value;
      else throw new InvalidQueryError(`"${where}": unknown argument "${name}".`);
    }
    if (page !== undefined) {
      if (!Number.isSafeInteger(page) || page < 1) {
        throw new InvalidQueryError(`"${where}": "page" must be 1 or more, got ${page}.`);
      }
      if (options._offset !== undefined) {
        throw new InvalidQueryError(`"${where}": give either "page" or "offset", not both.`);
      }
      const limit = options._limit === undefined ? this.defaultLimit : Number(options._limit);
      if (limit > 0) options._offset = (page - 1) * limit;
    }
    const signature = JSON.stringify(options);
    const existing = this.deepEntries.get(where);
    if (existing && existing.signature !== signature) {
      throw new InvalidQueryError(
        `"${where}" is selected more than once with different arguments; select it once per query.`,
      );
    }
    this.deepEntries.set(where, { path, options, signature });
  }
}
