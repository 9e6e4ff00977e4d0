/** Injection token: true when the app runs on the embedded PGlite database (one process, one connection). */
export const DATABASE_EMBEDDED = Symbol('DATABASE_EMBEDDED');
