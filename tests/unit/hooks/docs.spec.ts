import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { hooks } from '#hooks/bus'
import { catalogueTable, readCatalogue } from '#hooks/docs'

test.group('Hook catalogue docs', () => {
  test('docs/plugin-authoring.md lists exactly the hooks the bus defines (run `node ace hooks:docs` after changing them)', async ({ assert }) => {
    assert.equal(await readCatalogue(app.makePath('docs/plugin-authoring.md')), catalogueTable(hooks))
  })
})
