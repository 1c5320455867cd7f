import { ApiError, fieldErrorsOf } from './api-error.js';

describe('fieldErrorsOf', () => {
  const known = ['displayName', 'endpointUrl', 'credentials', 'credentials.apiKey.headerName', 'pricing.currency'];

  it('places the validation pipe’s per-field problems at their fields', () => {
    const error = ApiError.from(400, {
      code: 'INVALID_ARGUMENT',
      message: 'displayName: displayName must be a string',
      details: { fields: [{ field: 'displayName', problems: ['displayName must be a string', 'displayName must be shorter'] }] },
    });
    expect(fieldErrorsOf(error, known)).toEqual({ fields: { displayName: 'displayName must be a string; displayName must be shorter' } });
  });

  it('maps a nested path to the closest field the form has', () => {
    const error = ApiError.from(400, { code: 'INVALID_ARGUMENT', message: 'x', details: { fields: [{ field: 'credentials.apiKey.inlineSecret', problems: ['too long'] }] } });
    expect(fieldErrorsOf(error, known).fields).toEqual({ credentials: 'too long' });
  });

  it('takes the field a service names at the start of its message, the longest known path first', () => {
    const error = ApiError.from(400, { code: 'INVALID_ARGUMENT', message: 'credentials.apiKey.headerName must be an HTTP token' });
    expect(fieldErrorsOf(error, known)).toEqual({ fields: { 'credentials.apiKey.headerName': 'credentials.apiKey.headerName must be an HTTP token' } });
  });

  it('leaves an error naming no known field to the whole form', () => {
    const error = ApiError.from(409, { code: 'ALREADY_EXISTS', message: 'A reranker with this configuration already exists' });
    expect(fieldErrorsOf(error, known)).toEqual({ fields: {}, form: 'A reranker with this configuration already exists' });
  });

  it('turns a body that is not the error model into one', () => {
    expect(ApiError.from(502, '<html>bad gateway</html>')).toMatchObject({ status: 502, code: 'HTTP_502', message: 'The service answered 502' });
    expect(ApiError.from(0, undefined)).toMatchObject({ code: 'NETWORK' });
  });
});
