/*
| The queue registry's core jobs. Plugins register theirs through the plugin host.
*/
import app from '@adonisjs/core/services/app'
import { jobs } from '#jobs/registry'
import { deliverNotification, pruneAuthRecords } from '#jobs/core_jobs'

jobs.register(pruneAuthRecords, deliverNotification)

// Queue connections keep the event loop alive: a web process that queued a job would never exit
// on SIGTERM (the orchestrator would wait out its grace period, then kill it).
app.terminating(() => jobs.close())
