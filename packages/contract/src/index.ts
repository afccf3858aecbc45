export * from './access.js';
export * from './errors.js';
export * from './ids.js';
export * from './paging.js';
export * from './workspaces.js';
export * from './tracking.js';
