/**
 * Thrown for any identifier input that is not valid GS1 / not usable for code generation.
 * `field` names the offending input (e.g. 'gtin', 'serial', 'host') so callers can map it onto
 * their own payload field when they turn it into a public 400 error.
 */
export class InvalidIdentifierError extends Error {
  override readonly name = 'InvalidIdentifierError';

  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
