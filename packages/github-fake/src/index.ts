/**
 * For tests: a GitHub whose API answers as GitHub's published description
 * says, over real Git repositories served on loopback.
 *
 * @packageDocumentation
 */
export { FakeGitHub } from './FakeGitHub';
export type { FakePull } from './pulls';
export { checkRequest, checkResponse, example } from './openapi';
export { startGitHttpServer } from './gitHttpServer';
export type { GitHostFault, GitHostRequest } from './gitHttpServer';
export { WorkClone } from './workClone';
export { jsonBody, send, startMockApi } from './mockApi';
export type { Answer } from './mockApi';
