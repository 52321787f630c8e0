import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EngineExceptionFilter } from './exception.filter';

const responseStub = () => {
  const response = { headersSent: false, setHeader: jest.fn(), status: jest.fn(), json: jest.fn(), end: jest.fn() };
  response.status.mockReturnValue(response);
  return response;
};

/** The filter's answer to an unexpected error, for a request in `state`; returns the response stub. */
function respondTo(state: { destroyed: boolean; complete: boolean }) {
  const response = responseStub();
  const request = { method: 'POST', originalUrl: '/api/creative/assets/upload', ...state } as unknown as Request;
  new EngineExceptionFilter().respond(new Error('Request aborted'), request, response as unknown as Response);
  return response;
}

describe('EngineExceptionFilter.respond', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers nothing, and reports no unexpected error, when the client closed the connection mid-request', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const response = respondTo({ destroyed: true, complete: false });
    expect(response.status).not.toHaveBeenCalled();
    expect(response.end).not.toHaveBeenCalled();
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers a 500 with an error id when the same failure meets a client that is still there', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const response = respondTo({ destroyed: false, complete: true });
    expect(response.status).toHaveBeenCalledWith(500);
    expect(response.json).toHaveBeenCalledWith(expect.objectContaining({ error: 'INTERNAL_ERROR' }));
  });
});
