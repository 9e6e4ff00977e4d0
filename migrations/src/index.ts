import { InitialRegistry1763700000000 } from './1763700000000-initial-registry';

/** Every migration, oldest first. A new schema change is a new file appended here. */
export const migrations = [InitialRegistry1763700000000];
