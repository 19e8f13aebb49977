/*
| The queue registry's core jobs. Plugins register theirs through the plugin host.
*/
import { jobs } from '#jobs/registry'
import { deliverNotification, pruneAuthRecords } from '#jobs/core_jobs'

jobs.register(pruneAuthRecords, deliverNotification)
