import type { Device } from '@modelgate/runtime';

/**
 * How a version is served, stored with the version (`model_versions.config`). Fields left out
 * take the defaults below when the version is loaded, so that changing a default reaches every
 * version that did not pin the value.
 */
export interface VersionConfig {
  /** Worker instances serving this version (Triton's instance group count). */
  instances?: number;
  /** Device each instance is pinned to. */
  device?: Device;
}

export const VERSION_CONFIG_DEFAULTS: Required<VersionConfig> = {
  instances: 1,
  device: 'cpu',
};

export function effectiveConfig(config: VersionConfig): Required<VersionConfig> {
  return { ...VERSION_CONFIG_DEFAULTS, ...config };
}
