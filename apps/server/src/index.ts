export { createGateway } from './gateway.ts';
export { MODULES } from './modules.ts';
