/**
 * For tests: a GitLab whose REST API answers as GitLab's published OpenAPI
 * description and REST documentation say, over a real Git repository served
 * on loopback.
 *
 * @packageDocumentation
 */
export { FakeGitLab } from './FakeGitLab';
export type { FakeJobStatus } from './ci';
export type { FakeMergeRequest } from './mergeRequests';
export { checkQuery, checkRequest, checkResponse } from './openapi';
