import { DomainError } from '../../common/errors/domain-error.js';
import { COMPAT_MESSAGES, validateCompatBody, validateRerankBody } from './rerank-body.schema.js';
import { validatedBody } from '../../common/validation/validated-body.js';

describe('rerank body schemas (validatedBody)', () => {
  const rerank = { transform: (body: unknown) => validatedBody(validateRerankBody, body) };
  const v2 = { transform: (body: unknown) => validatedBody(validateCompatBody, body, COMPAT_MESSAGES) };

  function problem(pipe: { transform(body: unknown): unknown }, body: unknown): string {
    try {
      pipe.transform(body);
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('INVALID_ARGUMENT');
      return (error as DomainError).message;
    }
    throw new Error('expected a validation error');
  }

  it('passes a valid body through untouched', () => {
    const body = { query: 'q', documents: ['a', { text: 'b' }], topN: 1, rankFields: ['text'] };
    expect(rerank.transform(body)).toBe(body);
  });

  it.each([
    [{ query: 'q', documents: ['a'], top_n: 1 }, 'top_n: property top_n should not exist'],
    [{ documents: ['a'] }, 'query: query is required'],
    [{ query: '', documents: ['a'] }, 'query: query must NOT have fewer than 1 characters'],
    [{ query: 'q', documents: [] }, 'documents: documents must NOT have fewer than 1 items'],
    [{ query: 'q', documents: ['a', 7] }, 'documents.1: documents.1 must be string'],
    [{ query: 'q', documents: ['a'], topN: 0 }, 'topN: topN must be >= 1'],
    [{ query: 'q', documents: ['a'], topN: 1.5 }, 'topN: topN must be integer'],
    ['not an object', 'body: body must be object'],
  ])('refuses %j: %s', (body, message) => {
    expect(problem(rerank, body)).toBe(message);
  });

  it('explains a model that cannot name anything, with the friendlier message', () => {
    expect(problem(v2, { model: '', query: 'q', documents: ['a'] })).toBe(
      'model: model must be a reranker id, an alias name or a modelIdentifier of yours',
    );
  });
});
