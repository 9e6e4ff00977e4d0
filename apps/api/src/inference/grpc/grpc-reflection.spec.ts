import { readFileSync } from 'node:fs';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor';
import { healthPackage } from './grpc-health';
import { mapEntryName, standardMapEntries } from './grpc-reflection';
import { GRPC_PROTO_PATH, inferencePackage } from './grpc-server.service';

interface Field {
  name: string;
  number: number;
  label?: number;
  type?: number;
  typeName?: string;
}

interface Message {
  name: string;
  field?: Field[];
  nestedType?: Message[];
  options?: { mapEntry?: boolean };
}

interface File {
  package: string;
  messageType: Message[];
}

function decode(bytes: Buffer): File {
  return FileDescriptorProto.decode(bytes) as unknown as File;
}

/** The file descriptors proto-loader made for KServe's proto (one file: proto-loader joins a package's files). */
function inferenceFiles(): Buffer[] {
  return (inferencePackage()['inference.ModelInferRequest'] as unknown as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
}

/**
 * What protoc's descriptor checks (and Go's protodesc, and Python's descriptor pool) say of each map
 * field of `file`: its entry must be a nested message named `<FieldInCamelCase>Entry` with the
 * map_entry option, key 1 and value 2; one line per field that breaks it.
 */
function mapEntryProblems(file: File): string[] {
  const problems: string[] = [];
  const visit = (message: Message, scope: string) => {
    const name = `${scope}.${message.name}`;
    for (const entry of message.nestedType ?? []) {
      if (entry.options?.mapEntry !== true) continue;
      const users = (message.field ?? []).filter((field) => field.typeName === `${name}.${entry.name}` || field.typeName === entry.name);
      if (users.length !== 1) problems.push(`${name}.${entry.name}: used by ${users.length} fields`);
      for (const field of users) if (entry.name !== mapEntryName(field.name)) problems.push(`${name}.${field.name}: entry named ${entry.name}`);
      if (entry.field?.map((field) => `${field.number}:${field.name}`).join(',') !== '1:key,2:value') problems.push(`${name}.${entry.name}: not key 1 and value 2`);
    }
    for (const nested of message.nestedType ?? []) visit(nested, name);
  };
  for (const message of file.messageType) visit(message, `.${file.package}`);
  return problems;
}

/** Every message's full name, nested ones included, with its fields' names and numbers. */
function shapes(file: File): string[] {
  const lines: string[] = [];
  const visit = (message: Message, scope: string) => {
    lines.push(`${scope}.${message.name}(${(message.field ?? []).map((field) => `${field.name}=${field.number}`).join(' ')})`);
    for (const nested of message.nestedType ?? []) visit(nested, `${scope}.${message.name}`);
  };
  for (const message of file.messageType) visit(message, file.package);
  return lines.sort();
}

describe('mapEntryName', () => {
  it.each([
    ['parameters', 'ParametersEntry'],
    ['my_field', 'MyFieldEntry'],
    ['label__set_', 'LabelSetEntry'],
    ['_hidden', 'HiddenEntry'],
    ['shard_2x', 'Shard2xEntry'],
    ['alreadyCamel', 'AlreadyCamelEntry'],
  ])('names the entry of %s as protoc does: %s', (field, entry) => {
    expect(mapEntryName(field)).toBe(entry);
  });
});

describe('standardMapEntries', () => {
  it('finds the entries protobufjs names against protoc\'s rule in KServe\'s proto (the reason it exists)', () => {
    const [file] = inferenceFiles();
    expect(mapEntryProblems(decode(file))).toContain('.inference.ModelInferRequest.parameters: entry named Parameters');
  });

  it('names every map entry of KServe\'s proto as protoc does, and points its field at it by full name', () => {
    const [file] = inferenceFiles();
    const standard = decode(standardMapEntries(file));
    expect(mapEntryProblems(standard)).toEqual([]);
    const request = standard.messageType.find((message) => message.name === 'ModelInferRequest')!;
    expect(request.field!.find((field) => field.name === 'parameters')).toMatchObject({ label: 3, type: 11, typeName: '.inference.ModelInferRequest.ParametersEntry' });
    expect(request.nestedType!.find((nested) => nested.name === 'ParametersEntry')).toMatchObject({ options: { mapEntry: true } });
    // As many entries as the proto declares maps (the parameters of requests, responses and their tensors).
    const maps = readFileSync(GRPC_PROTO_PATH, 'utf8').match(/^\s*map</gm)!.length;
    expect(shapes(standard).filter((line) => /\.ParametersEntry\(/.test(line))).toHaveLength(maps);
  });

  it('changes nothing but the entries\' names: the same messages, fields and numbers', () => {
    const [file] = inferenceFiles();
    const before = shapes(decode(file)).map((line) => line.replace(/\.Parameters\(/, '.ParametersEntry('));
    expect(shapes(decode(standardMapEntries(file)))).toEqual(before);
  });

  it('gives back a file already standard, or without maps, as it is', () => {
    const [file] = inferenceFiles();
    const standard = standardMapEntries(file);
    expect(standardMapEntries(standard)).toBe(standard);
    const [health] = (healthPackage()['grpc.health.v1.HealthCheckRequest'] as unknown as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
    expect(standardMapEntries(health)).toBe(health);
  });
});
