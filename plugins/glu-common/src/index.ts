/**
 * Common types, permissions, constants and the API client of Glu for Backstage.
 *
 * @packageDocumentation
 */
export * from './constants';
export * from './permissions';
export * from './types';
export * from './client';
export * from './pipeline';
export * from './api';
