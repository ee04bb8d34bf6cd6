/**
 * Promotion by GitLab merge request for Glu for Backstage.
 *
 * @packageDocumentation
 */
export { gluModuleGitlab as default } from './module';
export {
  GitlabPullRequestProvider,
  parseGitlabProject,
} from './GitlabPullRequestProvider';
export { GitlabWebhookParser } from './GitlabWebhookParser';
