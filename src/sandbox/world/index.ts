// The sandbox world: data format, validation, the World model, its driver and update queues.
export * from './types.js';
export * from './botapi-types.js';
export * from './world.js';
export * from './driver.js';
export * from './updates.js';
export * from './validate.js';
export * from './text-entities.js';
export * from './default-world.js';
