export interface Config {
  /**
   * Argo CD instances, in the shape the Argo CD plugins for Backstage read
   * (`@roadiehq/backstage-plugin-argo-cd-backend`), so that one
   * configuration serves them and Glu's `argocd` gate.
   */
  argocd?: {
    /**
     * The account for sessions (`POST /api/v1/session`) on instances that
     * have neither a token nor an account of their own.
     */
    username?: string;
    /**
     * The password of `argocd.username`.
     * @visibility secret
     */
    password?: string;
    /**
     * Where Argo CD instances are found. Glu reads the instances of the
     * methods of type `config`.
     */
    appLocatorMethods?: Array<{
      /** `config`: the instances are listed here. */
      type: string;
      instances?: Array<{
        /** The instance's name, as a gate's `instance` option names it. */
        name: string;
        /** The address of Argo CD (its UI and API), e.g. `https://argocd.example.com`. */
        url: string;
        /**
         * An API token of an Argo CD account (`argocd account
         * generate-token`), sent to this instance only; it needs `get` on
         * the applications that gates look at.
         * @visibility secret
         */
        token?: string;
        /** An account for sessions on this instance, when there is no token. */
        username?: string;
        /**
         * The password of this instance's `username`.
         * @visibility secret
         */
        password?: string;
      }>;
    }>;
  };
}
