export {
  createWorkspace,
  isStoreEmpty,
  listWorkspacesOfUser,
  oldestWorkspace,
  workspaceById,
} from './workspaces.js';
