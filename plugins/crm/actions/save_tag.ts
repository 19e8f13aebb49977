import Tag from '#crm/models/tag'

/** A new tag, or `tag` renamed / recoloured (validated: saveTagValidator). */
export async function saveTag(workspaceId: number, input: { name: string; color: string }, tag?: Tag) {
  if (tag) return tag.merge({ name: input.name, color: input.color.toLowerCase() }).save()
  return Tag.create({ workspaceId, name: input.name, color: input.color.toLowerCase() })
}
