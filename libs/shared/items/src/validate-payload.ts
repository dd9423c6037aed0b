import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { InvalidPayloadError } from '@sid/shared/errors';

/**
 * Turns a request body into a validated DTO. Unknown fields are refused by name (a typo should
 * not be silently ignored), and every problem is listed in one message. A NUL character anywhere
 * in the body is refused first, naming where: PostgreSQL cannot store it, and no header or
 * token can carry it.
 */
export function validatePayload<T extends object>(dto: ClassConstructor<T>, input: unknown): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidPayloadError('The request body must be a JSON object.');
  }
  const nul = pathOfNul(input, '');
  if (nul !== undefined) {
    throw new InvalidPayloadError(`"${nul}" must not contain the NUL character (\\u0000).`, {
      field: nul,
    });
  }
  const instance = plainToInstance(dto, input, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const problems = flatten(errors);
    throw new InvalidPayloadError(problems.map((p) => p.message).join(' '), {
      field: problems[0].field,
    });
  }
  return instance;
}

/** Rules about a value's type: when one fails, the rules about its size or form say nothing. */
const TYPE_RULES = new Set(['isInt', 'isString', 'isNumber', 'isBoolean', 'isArray', 'isObject']);

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix + error.property;
    const constraints = error.constraints ?? {};
    // A missing required field is one problem, not a list of every rule it would have to meet.
    if (error.value === undefined && !constraints.whitelistValidation) {
      return [{ field, message: `"${field}" is required.` }];
    }
    if (error.value === null && !constraints.whitelistValidation) {
      return [{ field, message: `"${field}" must not be null.` }];
    }
    const typeRule = Object.keys(constraints).find((rule) => TYPE_RULES.has(rule));
    const rules = Object.entries(constraints).filter(
      ([rule]) => typeRule === undefined || rule === typeRule,
    );
    const own = rules.map(([rule, text]) => ({
      field,
      message:
        rule === 'whitelistValidation'
          ? `"${field}" is not a field that can be written.`
          : `"${field}": ${text.replace(`${error.property} `, '')}.`,
    }));
    return own.concat(flatten(error.children ?? [], `${field}.`));
  });
}

/** The path (`a.b[2]`) of the first string holding a NUL in `value`, or undefined. */
function pathOfNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNul(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      // A NUL in a key is named as the text \u0000, never sent back as the character.
      const found = key.includes('\u0000')
        ? `${path ? `${path}.` : ''}${key.replace(/\u0000/g, '\\u0000')}`
        : pathOfNul(item, path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
