/**
 * The playground's documents: typed one per line, pasted as a JSON array (strings or
 * objects), or one of the samples.
 */
export type PlaygroundDocument = string | Record<string, unknown>;

export function parseDocuments(text: string): PlaygroundDocument[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new Error(`documents: not a JSON array (${(error as Error).message})`, { cause: error });
    }
    if (!Array.isArray(parsed)) throw new Error('documents: not a JSON array');
    parsed.forEach((item, i) => {
      if (typeof item !== 'string' && (typeof item !== 'object' || item === null || Array.isArray(item))) {
        throw new Error(`documents[${i}]: each document is a string or an object`);
      }
    });
    return parsed as PlaygroundDocument[];
  }
  return trimmed
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

export function documentText(document: PlaygroundDocument | undefined): string {
  if (document === undefined) return '';
  return typeof document === 'string' ? document : JSON.stringify(document);
}

export interface Sample {
  readonly name: string;
  readonly query: string;
  readonly documents: readonly string[];
}

export const SAMPLES: readonly Sample[] = [
  {
    name: 'Key rotation (operations)',
    query: 'How do I rotate the encryption key?',
    documents: [
      'Put the new key first in SECRETS_ENCRYPTION_KEY, restart, then run npm run secrets:rotate.',
      'Labels are key/value pairs attached to rerankers and aliases.',
      'An alias routes calls to one of several rerankers with fallback or weights.',
      'Old keys may be dropped once every inline secret has been re-encrypted.',
      'The circuit breaker opens after five consecutive upstream failures.',
    ],
  },
  {
    name: 'Capitals (general knowledge)',
    query: 'What is the capital of France?',
    documents: [
      'Paris is the capital and most populous city of France.',
      'Berlin is the capital of Germany.',
      'The Eiffel Tower was completed in 1889.',
      'France is a country in Western Europe.',
      'Lyon is known for its cuisine.',
    ],
  },
  {
    name: 'Support tickets (retrieval)',
    query: 'customer cannot log in after password reset',
    documents: [
      'Password reset emails expire after 30 minutes; request a new one.',
      'Invoices are sent on the first day of each month.',
      'After a reset, sessions on other devices are signed out and must sign in again.',
      'Two-factor codes are time based: check the device clock.',
      'Our office is closed on public holidays.',
    ],
  },
];
