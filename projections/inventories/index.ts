export * from './client-inventory.js';
export * from './inventories-projection.js';
export * from './inventory-diff.js';
export * from './inventory-values.js';
