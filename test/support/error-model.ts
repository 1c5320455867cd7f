import type { Response } from 'supertest';
import { ERROR_STATUS, openAiErrorType, type ErrorCode } from '../../src/common/errors/error-code.js';

/** Asserts the one error shape: status, stable code, message, OpenAI-style object, request id. */
export function expectErrorModel(res: Response, status: number, code: ErrorCode): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(ERROR_STATUS[code]).toBe(status);
  expect(res.body).toEqual(
    expect.objectContaining({
      message: expect.any(String),
      detail: res.body.message,
      requestId: res.headers['x-request-id'],
      error: { message: res.body.message, type: openAiErrorType(code), code, param: null },
    }),
  );
}
