// Turns every failure into { error: { code, message } } with the right status; never a stack trace.
import { isAppError } from '@onward/domain';
import type { FastifyError, FastifyInstance } from 'fastify';

interface ErrorBody {
  error: { code: string; message: string };
}

const body = (code: string, message: string): ErrorBody => ({ error: { code, message } });

export function describeError(error: FastifyError): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (isAppError(error)) {
    const retry = error.details?.retryAfterSeconds;
    return {
      status: error.status,
      body: body(error.code, error.message),
      ...(typeof retry === 'number' ? { headers: { 'retry-after': String(retry) } } : {}),
    };
  }
  if (error.validation) {
    const unknown = error.validation.find((v) => v.keyword === 'additionalProperties');
    if (unknown) {
      const field = String((unknown.params as { additionalProperty?: string }).additionalProperty ?? '');
      return { status: 400, body: body('unknown_field', `Unknown field "${field}".`) };
    }
    return { status: 400, body: body('invalid_request', error.message) };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: body('body_too_large', 'The request is too large.') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: body('unsupported_media_type', 'That content type is not accepted here.') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: body('malformed_json', 'The request body is empty but JSON was announced.') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: body('malformed_json', 'The request body is not valid JSON.') };
    case 'FST_REQ_FILE_TOO_LARGE':
      return { status: 413, body: body('file_too_large', 'The file is too large.') };
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return { status: 400, body: body('too_many_parts', 'The form has too many fields or files.') };
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return { status: 415, body: body('unsupported_media_type', 'Send the clip as multipart/form-data.') };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: body('invalid_content_length', 'The Content-Length does not match the body.') };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { status, body: body('bad_request', 'The request could not be understood.') };
  }
  return { status: 500, body: body('internal_error', 'Something went wrong on our side. Please try again.') };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body: payload, headers } = describeError(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: payload.error.code, status }, 'request refused');
    if (headers) reply.headers(headers);
    return reply.status(status).send(payload);
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send(body('route_not_found', 'There is nothing at this address.')),
  );
}
