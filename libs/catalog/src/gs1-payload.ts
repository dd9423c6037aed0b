import { InvalidPayloadError } from '@sid/shared/errors';
import { InvalidIdentifierError } from '@sid/identifiers';

/** Runs a GS1 helper and turns its complaint into a 400 for the partner. */
export function gs1<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof InvalidIdentifierError) {
      throw new InvalidPayloadError(error.message, error.field ? { field: error.field } : {});
    }
    throw error;
  }
}
