export { createGateway } from './gateway.ts';
export { MODULES } from './modules.ts';
export { createPlatform, type Platform, type PlatformOptions } from './platform.ts';
