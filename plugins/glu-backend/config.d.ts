export interface Config {
  /** Settings of the Glu backend plugin. */
  glu?: {
    /**
     * Where the backend keeps its long-lived clones of Git repositories.
     * Defaults to a folder under the backend's working directory.
     */
    workingDirectory?: string;
  };
}
