export * from './accounts.ts';
export * from './databases.ts';
export * from './http.ts';
export * from './partners.ts';
export * from './platform.ts';
export * from './wait.ts';
export * from './wallet.ts';
