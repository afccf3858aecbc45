export * from './access.js';
export * from './errors.js';
export * from './ids.js';
export * from './imports.js';
export * from './paging.js';
export * from './profiles.js';
export * from './tracking.js';
export * from './workspaces.js';
