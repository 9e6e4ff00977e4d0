/** Either a version must be chosen, or `none` names what choosing none means (e.g. "where the traffic goes"). */
type Choice = { value: number | undefined; onChange(version: number): void; none?: undefined } | { value: number | undefined; onChange(version: number | undefined): void; none: string };

/** A choice among a model's versions, shown as v1, v2, ... */
export function VersionSelect({ versions, label, ...choice }: { versions: number[]; label: string } & Choice) {
  return (
    <select
      value={choice.value ?? ''}
      onChange={(event) => (choice.none !== undefined && event.target.value === '' ? choice.onChange(undefined) : choice.onChange(Number(event.target.value)))}
      aria-label={label}
    >
      {choice.none !== undefined && <option value="">{choice.none}</option>}
      {versions.map((version) => (
        <option key={version} value={version}>
          v{version}
        </option>
      ))}
    </select>
  );
}
