export interface Config {
  glu?: {
    gates?: {
      /** The `prometheus` and `analysis` gates' servers. */
      prometheus?: {
        /**
         * Prometheus-compatible servers (Prometheus, Thanos, Mimir,
         * VictoriaMetrics) that gates query: the only ones Glu ever asks.
         */
        servers?: Array<{
          /** The server's name, as a `prometheus` gate's `server` names it. */
          name: string;
          /**
           * Where Glu reaches the server's HTTP API (`{url}/api/v1/query`),
           * e.g. `https://prometheus.example.com` or, for Mimir,
           * `https://mimir.example.com/prometheus`.
           */
          url: string;
          /**
           * Other addresses that mean this server in AnalysisTemplates'
           * `prometheus.address`, e.g. an in-cluster
           * `http://prometheus.monitoring:9090`; the url counts too.
           */
          addresses?: string[];
          /**
           * Headers sent with every query to this server, e.g.
           * `X-Scope-OrgID` for Mimir's tenants.
           * @visibility secret
           */
          headers?: { [name: string]: string };
          /**
           * A bearer token sent to this server only.
           * @visibility secret
           */
          token?: string;
          /** A username for basic authentication, with `password`. */
          username?: string;
          /**
           * The password of `username`.
           * @visibility secret
           */
          password?: string;
        }>;
      };
    };
  };
}
