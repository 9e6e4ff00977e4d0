import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor';

/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha, from @grpc/reflection) over `packages`,
 * proto-loader's definitions of the protos the server serves, with their file descriptors made
 * valid for every client first (standardMapEntries). Public, as health is: it describes the
 * protocols' own protos, nothing of the models or keys.
 */
export function reflectionService(...packages: PackageDefinition[]): ReflectionService {
  const repaired = new Map<Buffer, Buffer>();
  const merged: PackageDefinition = {};
  for (const definitions of packages) {
    for (const [name, definition] of Object.entries(definitions)) {
      const files = (definition as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos;
      if (!Array.isArray(files)) {
        merged[name] = definition;
        continue;
      }
      const fileDescriptorProtos = files.map((file) => {
        let standard = repaired.get(file);
        if (standard === undefined) repaired.set(file, (standard = standardMapEntries(file)));
        return standard;
      });
      merged[name] = { ...definition, fileDescriptorProtos } as typeof definition;
    }
  }
  return new ReflectionService(merged);
}

interface MessageDescriptor {
  name?: string;
  field?: Array<{ name?: string; label?: number; type?: number; typeName?: string }>;
  nestedType?: MessageDescriptor[];
  options?: { mapEntry?: boolean };
}

const LABEL_REPEATED = 3;
const TYPE_MESSAGE = 11;

/**
 * `file` (a serialised FileDescriptorProto from protobufjs, as proto-loader makes it) with each map
 * field's entry message named as protoc names it. protobufjs names the entry of `map<...> parameters`
 * `Parameters` where protoc names it `ParametersEntry`, and the descriptor checks of protoc, of
 * Go's protodesc (grpcurl, Buf's `buf curl`) and of Python's descriptor pool refuse the whole file
 * for it ("incorrect implicit map entry name"): KServe's proto has such a map in every message
 * with `parameters`, so without this no generic client could read it. The entry's fields and
 * every other part of the file are unchanged.
 */
export function standardMapEntries(file: Buffer): Buffer {
  const descriptor = FileDescriptorProto.decode(file) as unknown as { package?: string; messageType?: MessageDescriptor[] };
  let renamed = false;
  const visit = (message: MessageDescriptor, scope: string) => {
    const name = `${scope}.${message.name}`;
    for (const field of message.field ?? []) {
      if (field.label !== LABEL_REPEATED || field.type !== TYPE_MESSAGE || field.typeName === undefined || field.name === undefined) continue;
      const entry = message.nestedType?.find((nested) => nested.options?.mapEntry === true && (field.typeName === nested.name || field.typeName === `${name}.${nested.name}`));
      if (entry === undefined) continue;
      const standard = mapEntryName(field.name);
      if (entry.name !== standard) {
        entry.name = standard;
        renamed = true;
      }
      field.typeName = `${name}.${standard}`;
    }
    for (const nested of message.nestedType ?? []) visit(nested, name);
  };
  for (const message of descriptor.messageType ?? []) visit(message, descriptor.package ? `.${descriptor.package}` : '');
  return renamed ? Buffer.from(FileDescriptorProto.encode(descriptor as never).finish()) : file;
}

/** The name protoc gives a map field's entry message: the field's name in camel case, capitalised, then `Entry`. */
export function mapEntryName(field: string): string {
  return `${field.replace(/_+([^_])?/g, (_, next: string | undefined) => (next ?? '').toUpperCase()).replace(/^[a-z]/, (first) => first.toUpperCase())}Entry`;
}
