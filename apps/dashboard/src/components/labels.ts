/** Labels as the dashboard edits them: one `key=value` per line. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/**
 * The labels a text holds, or the first line that is not `key=value` (blank lines are skipped, and
 * spaces around the key and the value dropped). The API checks the keys and lengths again and
 * answers with its own rule.
 */
export function parseLabels(text: string): { labels: Record<string, string> } | { problem: string } {
  const labels: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const equals = line.indexOf('=');
    const key = equals < 0 ? '' : line.slice(0, equals).trim();
    if (key === '') return { problem: `line ${index + 1} of the labels is "${line.trim()}": write each label as key=value, e.g. team=botany` };
    if (Object.hasOwn(labels, key)) return { problem: `line ${index + 1} of the labels gives "${key}" again: give each key once` };
    labels[key] = line.slice(equals + 1).trim();
  }
  return { labels };
}

/** Whether two label maps hold the same keys with the same values, in any order. */
export function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
