import { InitialRegistry1763700000000 } from './1763700000000-initial-registry';
import { ApiKeyRotation1763800000000 } from './1763800000000-api-key-rotation';
import { OperatorsSessions1763800001000 } from './1763800001000-operators-sessions';
import { AuditLog1763800002000 } from './1763800002000-audit-log';
import { Telemetry1763900000000 } from './1763900000000-telemetry';
import { Rollout1764000000000 } from './1764000000000-rollout';
import { ShadowComparisons1764000001000 } from './1764000001000-shadow-comparisons';
import { InferenceJobs1764100000000 } from './1764100000000-inference-jobs';

/** Every migration, oldest first. A new schema change is a new file appended here. */
export const migrations = [InitialRegistry1763700000000, ApiKeyRotation1763800000000, OperatorsSessions1763800001000, AuditLog1763800002000, Telemetry1763900000000, Rollout1764000000000, ShadowComparisons1764000001000, InferenceJobs1764100000000];
