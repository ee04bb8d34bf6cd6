export * from './types';
export * from './validation';
export * from './durations';
export * from './gates';
export * from './owners';
