export { createWorkspace, isStoreEmpty, listWorkspacesOfUser, workspaceById } from './workspaces.js';
