import { DomainError } from '../common/errors/domain-error.js';

export type RerankDocument = string | Record<string, unknown>;

/**
 * The text sent upstream for each document. Strings go as they are; for objects, the
 * rank fields: one field is sent as its value, several as `field: value` lines.
 */
export function renderDocuments(documents: readonly RerankDocument[], rankFields: readonly string[]): string[] {
  return documents.map((document, index) => {
    if (typeof document === 'string') return document;
    const present = rankFields.filter((field) => Object.hasOwn(document, field) && document[field] !== undefined && document[field] !== null);
    if (present.length === 0) {
      throw DomainError.invalidArgument(`documents[${index}] has none of the rank fields (${rankFields.join(', ')})`);
    }
    if (rankFields.length === 1) return textOf(document[present[0]!]);
    return present.map((field) => `${field}: ${textOf(document[field])}`).join('\n');
  });
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
