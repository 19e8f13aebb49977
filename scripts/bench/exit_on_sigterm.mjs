/*
 * Preloaded into the app's processes when BENCH_PROFILE is set (node --import): after SIGTERM
 * the process gets 3 s to shut down by itself, then exits with process.exit(0) — which still
 * writes the --cpu-prof profile, where the SIGKILL that stopChild() would send loses it.
 * (The web process does not exit by itself once it has queued a job: the BullMQ queues'
 * Redis connections are never closed there. See bench/README.md.)
 */
process.once('SIGTERM', () => {
  setTimeout(() => process.exit(0), 3000).unref()
})
