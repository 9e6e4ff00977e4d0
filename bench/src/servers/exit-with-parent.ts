/**
 * Preloaded (`node --require`) into every server the bench starts: when the bench process is gone
 * (killed, crashed), the server exits too instead of holding its port and cores.
 */
const parentPid = Number(process.env['BENCH_PARENT_PID']);

if (Number.isInteger(parentPid) && parentPid > 0) {
  const timer = setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      process.exit(1);
    }
  }, 1_000);
  timer.unref();
}
