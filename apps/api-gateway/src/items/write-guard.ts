import { Injectable } from '@nestjs/common';
import { pgError, translateDataError } from '@sid/shared/database';
import { InvalidPayloadError } from '@sid/shared/errors';
import { assertItemId } from '@sid/gateway-query';
import {
  Actor,
  assertColumnValues,
  BatchUpdate,
  CollectionDefinition,
  CollectionWriter,
  isUuidLike,
  prepareEach,
} from '@sid/shared/items';
import { COLLECTIONS } from './collections';
import { ItemReferenceRepository } from './item-reference.repository';

/**
 * The one gate every write of `/items` and GraphQL passes, whatever the collection: before the
 * collection's writer sees an input, its values must fit their columns (see assertColumnValues)
 * and every reference in it must name an item of the caller's own account. A reference to
 * another tenant's item is answered exactly as one to an item that does not exist, so ids of
 * others cannot be probed. After the writer, a value PostgreSQL still refuses is a 400 naming
 * the field, never a 500.
 */
@Injectable()
export class WriteGuard {
  constructor(private readonly references: ItemReferenceRepository) {}

  /** The writer, behind the gate. Methods the gate does not know still get the error mapping. */
  wrap(writer: CollectionWriter): CollectionWriter {
    const definition = COLLECTIONS.get(writer.collection);
    const guard = {
      create: async (actor: Actor, input: Record<string, unknown>) => {
        await this.check(actor, definition, input);
        return mapped(() => writer.create(actor, input), input);
      },
      update: async (actor: Actor, id: string, input: Record<string, unknown>) => {
        assertItemId(definition, id);
        await this.check(actor, definition, input);
        return mapped(() => writer.update(actor, id, input), input);
      },
      delete: async (actor: Actor, id: string) => {
        assertItemId(definition, id);
        return mapped(() => writer.delete(actor, id), {});
      },
      // A batch create passes the same gate item by item (a refusal names the item's index)
      // before the writer stores any of them.
      createMany: async (actor: Actor, inputs: Record<string, unknown>[]) => {
        const seen = new Map<string, boolean>();
        await prepareEach(inputs, (input) => this.check(actor, definition, input, seen));
        return mappedBatch(
          () => (writer.createMany as NonNullable<CollectionWriter['createMany']>)(actor, inputs),
          inputs,
        );
      },
      updateMany: async (actor: Actor, updates: BatchUpdate[]) => {
        for (const update of updates) await this.check(actor, definition, update.input);
        return mapped(
          () => (writer.updateMany as NonNullable<CollectionWriter['updateMany']>)(actor, updates),
          Object.assign({}, ...updates.map((update) => update.input)),
        );
      },
    } as Record<string | symbol, unknown>;
    return new Proxy(writer, {
      get(target, property, receiver) {
        const own = Reflect.get(target, property, receiver);
        if (typeof own !== 'function') return own;
        if (Object.hasOwn(guard, property)) return guard[property];
        return (...args: unknown[]) => mapped(() => own.apply(target, args), {});
      },
    });
  }

  private async check(
    actor: Actor,
    definition: CollectionDefinition,
    input: Record<string, unknown>,
    /** References already checked in this request (a batch names the same product 10,000 times). */
    seen = new Map<string, boolean>(),
  ): Promise<void> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return; // the writer says so
    assertColumnValues(definition, input);
    if (actor.admin) return;
    for (const [name, value] of Object.entries(input)) {
      const field = Object.hasOwn(definition.fields, name) ? definition.fields[name] : undefined;
      if (field?.relation?.kind !== 'm2o' || typeof value !== 'string') continue;
      const target = COLLECTIONS.get(field.relation.collection);
      if (target.tenantField === undefined) continue;
      if (target.fields[target.primaryKey].type === 'uuid' && !isUuidLike(value)) continue; // the writer's DTO names the form
      const reference = `${target.name}:${value}`;
      let owned = seen.get(reference);
      if (owned === undefined) {
        owned = await this.references.belongsTo(target, value, actor.accountId);
        seen.set(reference, owned);
      }
      if (!owned) {
        // The words the writers use for a missing item, so that a foreign one reads the same.
        throw new InvalidPayloadError(`${label(target.name)} "${value}" does not exist.`, {
          field: name,
        });
      }
    }
  }
}

const LABELS: Record<string, string> = {
  code_reservation: 'Reservation',
  identifier_job: 'Identifier job',
  code_pool: 'Code pool',
  users: 'User',
};

function label(collection: string): string {
  return LABELS[collection] ?? collection.charAt(0).toUpperCase() + collection.slice(1);
}

async function mapped<T>(work: () => Promise<T>, input: Record<string, unknown>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDataError(error, input);
  }
}

/**
 * As `mapped`, for a batch: a value PostgreSQL refuses is named with its field and the index of
 * the item holding the value its message quotes (the only item, in a batch of one).
 */
async function mappedBatch<T>(
  work: () => Promise<T>,
  inputs: Record<string, unknown>[],
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (translateDataError(error) === error) throw error; // not a value PostgreSQL refused
    const message = (pgError(error) as { message?: string } | undefined)?.message ?? '';
    const quoted = /"([^"]*)"/.exec(message)?.[1];
    const index =
      inputs.length === 1
        ? 0
        : inputs.findIndex((input) =>
            Object.values(input).some(
              (value) => value !== null && typeof value !== 'object' && String(value) === quoted,
            ),
          );
    const translated = translateDataError(error, index >= 0 ? inputs[index] : {});
    if (index >= 0 && translated instanceof InvalidPayloadError) translated.extensions.item = index;
    throw translated;
  }
}
