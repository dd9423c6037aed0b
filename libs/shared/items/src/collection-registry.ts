import { InvalidPayloadError } from '@sid/shared/errors';
import { CollectionDefinition, FieldDefinition } from './collection-definition';

/** Names that become SQL identifiers must be plain; `schema.table` is allowed for tables. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Every collection the item API serves. Definitions are checked once, at start-up: a relation to
 * an unknown collection or field is a programming error and throws a plain `Error`.
 */
export class CollectionRegistry {
  private readonly byName = new Map<string, CollectionDefinition>();

  constructor(definitions: CollectionDefinition[]) {
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) {
        throw new Error(`Collection "${definition.name}" is defined twice.`);
      }
      this.byName.set(definition.name, definition);
    }
    for (const definition of definitions) this.check(definition);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** @throws InvalidPayloadError (400) for a collection that does not exist. */
  get(name: string): CollectionDefinition {
    const definition = this.byName.get(name);
    if (!definition) {
      throw new InvalidPayloadError(`Collection "${name}" does not exist.`, { collection: name });
    }
    return definition;
  }

  all(): CollectionDefinition[] {
    return [...this.byName.values()];
  }

  private check(definition: CollectionDefinition): void {
    const where = `Collection "${definition.name}"`;
    const fields = definition.fields;
    const has = (field: string) => Object.hasOwn(fields, field);
    if (!definition.table.split('.').every((part) => IDENTIFIER.test(part))) {
      throw new Error(`${where}: table "${definition.table}" is not a plain identifier.`);
    }
    if (!has(definition.primaryKey)) {
      throw new Error(`${where}: primary key "${definition.primaryKey}" is not one of its fields.`);
    }
    if (definition.tenantField !== undefined && !has(definition.tenantField)) {
      throw new Error(
        `${where}: tenant field "${definition.tenantField}" is not one of its fields.`,
      );
    }
    for (const field of definition.searchFields ?? []) {
      if (!has(field) || fields[field].relation?.kind === 'o2m') {
        throw new Error(`${where}: search field "${field}" is not one of its column fields.`);
      }
    }
    for (const [name, field] of Object.entries(fields)) {
      if (!IDENTIFIER.test(name) || !IDENTIFIER.test(field.column ?? name)) {
        throw new Error(`${where}: field "${name}" or its column is not a plain identifier.`);
      }
      this.checkRelation(definition, name, field);
    }
  }

  private checkRelation(definition: CollectionDefinition, name: string, field: FieldDefinition) {
    const relation = field.relation;
    if (!relation) return;
    const where = `Collection "${definition.name}", field "${name}"`;
    const target = this.byName.get(relation.collection);
    if (!target) {
      throw new Error(`${where}: related collection "${relation.collection}" is not defined.`);
    }
    if (relation.kind === 'm2o') return;
    if (field.column !== undefined) {
      throw new Error(`${where}: a one-to-many field has no column of its own.`);
    }
    const back = Object.hasOwn(target.fields, relation.field)
      ? target.fields[relation.field]
      : undefined;
    if (!back) {
      throw new Error(`${where}: "${relation.collection}.${relation.field}" is not defined.`);
    }
    if (
      back.relation &&
      (back.relation.kind !== 'm2o' || back.relation.collection !== definition.name)
    ) {
      throw new Error(
        `${where}: "${relation.collection}.${relation.field}" must be a many-to-one field pointing back at "${definition.name}".`,
      );
    }
  }
}
