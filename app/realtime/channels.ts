/** Channel names, in one place so broadcasters and authorization agree. */
export const userChannel = (userId: number) => `users/${userId}`
export const workspaceChannel = (workspaceId: number) => `workspaces/${workspaceId}`
