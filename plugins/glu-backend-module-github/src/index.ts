/**
 * Promotion by GitHub pull request for Glu for Backstage.
 *
 * @packageDocumentation
 */
export { gluModuleGithub as default } from './module';
export {
  GithubPullRequestProvider,
  parseGithubRepository,
} from './GithubPullRequestProvider';
export { GithubWebhookParser } from './GithubWebhookParser';
