export * from './databases.ts';
export * from './wait.ts';
