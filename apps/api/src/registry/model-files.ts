import { open, readdir, rename } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { detectTfjsFormat, type ModelFormat } from '@modelgate/runtime';
import { BadRequestError, PayloadTooLargeError, UnprocessableModelError, UnsupportedMediaTypeError } from '../common/errors';
import { ArchiveError, extractArchive, type ArchiveKind, type ArchiveLimits } from './archive';

export interface PreparedModel {
  format: ModelFormat;
  /** Path of the model inside the prepared folder: the .onnx file, or '' for a model folder. */
  entry: string;
}

const ZIP_MAGIC = [0x50, 0x4b];
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Turns an uploaded file into a model folder: a single `.onnx` file is moved in as `model.onnx`;
 * a `.zip` or `.tar.gz` is unpacked safely and classified (TF.js graph or layers model, TF
 * SavedModel, or an ONNX file with its external data). What the file is comes from its first
 * bytes, not only its name.
 */
export async function prepareModelFolder(uploadPath: string, filename: string, folder: string, limits: ArchiveLimits): Promise<PreparedModel> {
  const kind = await sniffArchive(uploadPath);
  const lowerName = filename.toLowerCase();
  if (kind === undefined) {
    if (/\.(zip|tar\.gz|tgz)$/.test(lowerName)) {
      throw new BadRequestError(`"${filename}" is named like an archive but is not a valid ${lowerName.endsWith('.zip') ? 'zip' : 'gzip'} file`);
    }
    if (!lowerName.endsWith('.onnx')) {
      throw new UnsupportedMediaTypeError(
        `cannot tell what "${filename}" is: upload a .onnx file, or a .zip or .tar.gz of a TF.js model folder (model.json + weights) or of a TF SavedModel`,
      );
    }
    await rename(uploadPath, join(folder, 'model.onnx'));
    return { format: 'onnx', entry: 'model.onnx' };
  }

  try {
    await extractArchive(kind, uploadPath, folder, limits);
  } catch (error) {
    if (error instanceof ArchiveError) {
      throw error.status === 413 ? new PayloadTooLargeError(error.message) : new BadRequestError(error.message);
    }
    throw error;
  }

  const tfFormat = await detectTfjsFormat(folder);
  if (tfFormat) return { format: tfFormat, entry: '' };
  const onnxFiles = await findFiles(folder, (name) => name.toLowerCase().endsWith('.onnx'), 3);
  if (onnxFiles.length === 1) return { format: 'onnx', entry: relative(folder, onnxFiles[0]!) };
  if (onnxFiles.length > 1) {
    throw new UnprocessableModelError('the archive holds several .onnx files; upload one model per version');
  }
  throw new UnprocessableModelError(
    'the archive holds no model: expected model.json with its weight files (TF.js), saved_model.pb (TF SavedModel) or one .onnx file',
  );
}

async function sniffArchive(path: string): Promise<ArchiveKind | undefined> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead >= 2 && buffer[0] === ZIP_MAGIC[0] && buffer[1] === ZIP_MAGIC[1]) return 'zip';
    if (bytesRead >= 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1]) return 'tar.gz';
    return undefined;
  } finally {
    await handle.close();
  }
}

async function findFiles(folder: string, match: (name: string) => boolean, maxDepth: number): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isFile() && match(entry.name)) found.push(path);
    else if (entry.isDirectory() && maxDepth > 0) found.push(...(await findFiles(path, match, maxDepth - 1)));
  }
  return found;
}
