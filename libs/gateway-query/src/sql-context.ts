import { CollectionDefinition } from '@sid/shared/items';
import { CollectionRegistry } from '@sid/shared/items';
import { QueryScope } from '@sid/shared/items';
import { castOf, columnRef } from './sql-fragments';

/**
 * The state of one statement being compiled: its `$n` parameters, its generated table aliases
 * (t0, t1, ...) and the caller's scope.
 */
export class SqlContext {
  readonly params: unknown[] = [];
  readonly now: Date;
  private aliases = 0;
  private readonly tenantPlaceholders = new Map<string, string>();

  constructor(
    readonly registry: CollectionRegistry,
    readonly scope: QueryScope,
  ) {
    this.now = scope.now ?? new Date();
  }

  /** Adds a parameter and returns its placeholder with an explicit cast, e.g. `$3::uuid`. */
  param(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.params.length}::${cast}`;
  }

  alias(): string {
    return `t${this.aliases++}`;
  }

  /** `t1."account" = $1::uuid` when the caller is confined to one account and the table has one. */
  tenantCondition(definition: CollectionDefinition, alias: string): string | null {
    const { accountId } = this.scope;
    const field = definition.tenantField;
    if (accountId === null || field === undefined) return null;
    const cast = castOf(definition.fields[field].type);
    let placeholder = this.tenantPlaceholders.get(cast);
    if (placeholder === undefined) {
      placeholder = this.param(accountId, cast);
      this.tenantPlaceholders.set(cast, placeholder);
    }
    return `${columnRef(alias, definition, field)} = ${placeholder}`;
  }

  /** Joins conditions with AND into ` WHERE ...`, or nothing. */
  static where(conditions: (string | null | undefined)[]): string {
    const present = conditions.filter((c): c is string => typeof c === 'string' && c.length > 0);
    return present.length === 0 ? '' : ` WHERE ${present.join(' AND ')}`;
  }
}
