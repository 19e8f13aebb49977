import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { prepared } from '#core/prepared'

test.group('Prepared statements', () => {
  test('one name for a query whose text varies (a null binding writes `is null`): each text runs on one connection', async ({ assert }) => {
    await db.transaction(async (trx) => {
      const byId = (id: number | null) => prepared(trx.from('users').select('id').where('id', id as number), 'test.users_by_id')
      assert.deepEqual(await byId(-1), [])
      assert.deepEqual(await byId(null), [])
      // Again, now each under the name its text was given.
      assert.deepEqual(await byId(-2), [])
      assert.deepEqual(await byId(null), [])
    })
  })
})
