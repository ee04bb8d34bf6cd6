export interface Config {
  /** Settings of the Glu backend plugin. */
  glu?: {
    /**
     * Where the backend keeps its long-lived clones of Git repositories.
     * Defaults to `glu-work` under the backend's working directory.
     */
    workingDirectory?: string;
  };
}
