import type { Schemas } from '../api';

type Version = Schemas['VersionDto'];
type Config = Schemas['VersionConfigDto'];

/** The settings form's fields, as typed text. */
export interface SettingsFields {
  instances: string;
  device: string;
  maxBatchSize: string;
  maxQueueDelayMs: string;
  maxQueueSize: string;
  defaultTimeoutMs: string;
}

/** What the version runs with now: its stored settings, else what the server reports it in effect. */
export function settingsFieldsOf(version: Version): SettingsFields {
  const { config, serving } = version;
  const text = (value: number | string | undefined | null) => (value === undefined || value === null ? '' : String(value));
  return {
    instances: text(config.instances ?? serving.instances?.length),
    device: text(config.device ?? serving.instances?.[0]?.device),
    maxBatchSize: text(config.batching?.maxBatchSize ?? serving.batching?.maxBatchSize),
    maxQueueDelayMs: text(config.batching?.maxQueueDelayMs ?? serving.batching?.maxQueueDelayMs),
    maxQueueSize: text(config.batching?.maxQueueSize ?? serving.batching?.maxQueueSize),
    defaultTimeoutMs: text(config.batching?.defaultTimeoutMs ?? serving.batching?.defaultTimeoutMs),
  };
}

/**
 * The config change for the fields edited, and only those (the API merges it into the stored
 * settings). A number field that is not a number is sent as typed so that the API's own message
 * says what it accepts; a field emptied is left as it was.
 */
export function changedSettings(before: SettingsFields, after: SettingsFields): Config {
  const edited = (key: keyof SettingsFields) => after[key].trim() !== '' && after[key].trim() !== before[key].trim();
  const number = (key: keyof SettingsFields) => {
    const value = Number(after[key]);
    return (Number.isFinite(value) ? value : after[key]) as number;
  };
  const batching = {
    ...(edited('maxBatchSize') ? { maxBatchSize: number('maxBatchSize') } : {}),
    ...(edited('maxQueueDelayMs') ? { maxQueueDelayMs: number('maxQueueDelayMs') } : {}),
    ...(edited('maxQueueSize') ? { maxQueueSize: number('maxQueueSize') } : {}),
    ...(edited('defaultTimeoutMs') ? { defaultTimeoutMs: number('defaultTimeoutMs') } : {}),
  };
  return {
    ...(edited('instances') ? { instances: number('instances') } : {}),
    ...(edited('device') ? { device: after.device.trim() } : {}),
    ...(Object.keys(batching).length > 0 ? { batching } : {}),
  };
}
