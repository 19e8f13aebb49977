/*
| The framework announces several events on every request that nobody here listens to
| (session:initiated, session:committed, session_auth:authentication_attempted and _succeeded),
| and each announcement is an async round through emittery: its promises and bookkeeping cost
| more than the work around them on a cached page. An event with no listener is skipped, unless
| events are being faked (a test's `emitter.fake()` collects them).
*/
import emitter from '@adonisjs/core/services/emitter'

const emit = emitter.emit.bind(emitter)
const fake = emitter.fake.bind(emitter)
const restore = emitter.restore.bind(emitter)
let faking = false

emitter.fake = (...args: Parameters<typeof fake>) => {
  const buffer = fake(...args) // calls restore() first
  faking = true
  return buffer
}
emitter.restore = () => {
  faking = false
  return restore()
}
emitter.emit = ((event: any, data?: any) =>
  faking || emitter.hasListeners(event) ? emit(event, data) : Promise.resolve()) as typeof emitter.emit
