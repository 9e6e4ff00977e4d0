/** A choice among a model's versions, shown as v1, v2, ... */
export function VersionSelect({ versions, value, onChange, label }: { versions: number[]; value: number | undefined; onChange(version: number): void; label: string }) {
  return (
    <select value={value} onChange={(event) => onChange(Number(event.target.value))} aria-label={label}>
      {versions.map((version) => (
        <option key={version} value={version}>
          v{version}
        </option>
      ))}
    </select>
  );
}
