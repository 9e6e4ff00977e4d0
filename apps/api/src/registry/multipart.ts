import type { FastifyRequest } from 'fastify';
import { UnsupportedMediaTypeError } from '../common/errors';
import type { UploadPart } from './registry.service';

/** Adapts @fastify/multipart's parts to the registry's upload parts, streaming (never buffered). */
export async function* multipartParts(request: FastifyRequest): AsyncGenerator<UploadPart> {
  if (!request.isMultipart()) {
    throw new UnsupportedMediaTypeError('upload the model as multipart/form-data with the file in a field named "file"');
  }
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      yield { kind: 'file', fieldname: part.fieldname, filename: part.filename, stream: part.file };
    } else {
      yield { kind: 'field', fieldname: part.fieldname, value: part.value };
    }
  }
}
