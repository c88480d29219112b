export * from './databases.ts';
export * from './platform.ts';
export * from './wait.ts';
