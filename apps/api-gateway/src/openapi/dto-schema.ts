import { getMetadataStorage } from 'class-validator';
import { OpenAPIV3 } from 'openapi-types';
import { UUID_SHAPE } from '@sid/shared/items';

type Schema = OpenAPIV3.SchemaObject;

/** What one class-validator rule says about a property's schema. */
const RULES: Record<string, (schema: Schema, constraints: unknown[]) => void> = {
  isString: (schema) => (schema.type = 'string'),
  isInt: (schema) => (schema.type = 'integer'),
  isNumber: (schema) => (schema.type = 'number'),
  isBoolean: (schema) => (schema.type = 'boolean'),
  isArray: (schema) => Object.assign(schema, { type: 'array', items: itemsOf(schema) }),
  arrayUnique: (schema) => (schema.uniqueItems = true),
  arrayMinSize: (schema, [min]) => (schema.minItems = min as number),
  arrayMaxSize: (schema, [max]) => (schema.maxItems = max as number),
  isEmail: (schema) => Object.assign(schema, { type: 'string', format: 'email' }),
  isUrl: (schema) => Object.assign(schema, { type: 'string', format: 'uri' }),
  isIn: (schema, [values]) => {
    schema.enum = [...(values as unknown[])];
    schema.type ??= schema.enum.every((value) => typeof value === 'number') ? 'number' : 'string';
  },
  minLength: (schema, [min]) => (schema.minLength = min as number),
  maxLength: (schema, [max]) => (schema.maxLength = max as number),
  min: (schema, [min]) => (schema.minimum = min as number),
  max: (schema, [max]) => (schema.maximum = max as number),
  matches: (schema, [pattern]) => {
    const regex = pattern as RegExp;
    schema.type ??= 'string';
    // IsUuidLike: any 8-4-4-4-12 hex id, either case (OpenAPI's patterns take no flags).
    if (regex.source === UUID_SHAPE.source) schema.format = 'uuid';
    else if (regex.flags === '') schema.pattern = regex.source;
  },
};

/** The schema of an array property's elements, created on first use. */
function itemsOf(schema: Schema): Schema {
  const array = schema as { items?: Schema };
  array.items ??= {};
  return array.items;
}

/**
 * The JSON schema of a request body, read from the class-validator rules the writer validates it
 * with (see validatePayload): so the document says what the API actually accepts. A property
 * without IsOptional (or ValidateIf) is required; one with IsOptional also takes null; unknown
 * properties are refused (`additionalProperties: false`), as validatePayload does. A rule this
 * does not know is an error, so that a new one cannot silently leave the document behind.
 */
export function dtoSchema(dto: new () => object): Schema {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const defaults = new dto() as Record<string, unknown>;
  const properties: Record<string, Schema> = {};
  const optional = new Set<string>();
  const nullable = new Set<string>();
  for (const rule of metadata) {
    const schema = (properties[rule.propertyName] ??= {});
    if (rule.type === 'conditionalValidation') {
      optional.add(rule.propertyName);
      if (rule.name === 'isOptional') nullable.add(rule.propertyName);
    } else if (rule.type === 'customValidation' && rule.name && RULES[rule.name]) {
      // `each: true` is a rule about every element of an array.
      const target = rule.each ? itemsOf(schema) : schema;
      if (rule.each) schema.type = 'array';
      RULES[rule.name](target, rule.constraints ?? []);
    } else {
      throw new Error(
        `${dto.name}.${rule.propertyName}: the OpenAPI document does not know the rule "${rule.name ?? rule.type}"; teach dto-schema.ts`,
      );
    }
  }
  for (const [name, schema] of Object.entries(properties)) {
    if (nullable.has(name)) schema.nullable = true;
    if (defaults[name] !== undefined) schema.default = defaults[name];
  }
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}
