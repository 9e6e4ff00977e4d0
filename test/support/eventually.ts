/** Polls until `check` passes or `withinMs` runs out; returns how long it took. */
export async function eventually(check: () => Promise<boolean>, withinMs: number, stepMs = 50): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
