export * from './estimate.js';
export * from './meter.js';
export * from './prices.js';
export * from './report.js';
export * from './tokens.js';
