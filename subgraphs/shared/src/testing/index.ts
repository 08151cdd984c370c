export * from './database.js';
export * from './graphql.js';
export * from './subgraph.js';
export * from './subscriptions.js';
export * from './process.js';
export * from './deadline.js';
export * from './telemetry.js';
export * from './services.js';
