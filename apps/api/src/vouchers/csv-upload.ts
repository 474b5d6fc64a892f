import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import '@fastify/multipart';
import { Errors } from '@app/core';

/** The uploaded `file` part of a multipart request, as a stream (never buffered whole). */
export async function csvFileOf(request: FastifyRequest): Promise<Readable> {
  if (!request.isMultipart())
    throw Errors.invalidPayload(
      'Property .file: send multipart/form-data with a CSV in the field "file"',
    );
  const part = await request.file();
  if (!part || part.fieldname !== 'file')
    throw Errors.invalidPayload('Property .file is required (multipart field "file")');
  return part.file;
}
