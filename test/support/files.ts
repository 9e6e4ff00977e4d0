import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file under a folder, relative to it (empty when the folder does not exist). */
export async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(folder: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else found.push(relative(root, path));
    }
  }
  await walk(root);
  return found.sort();
}
