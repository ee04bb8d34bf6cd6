/** The answer of `GET /api/glu/health`. */
export type GluHealth = {
  status: 'ok';
  /** Whether the plugin's database answered. */
  database: 'ok';
  /** The source types that are registered, built-in and from modules. */
  sources: string[];
  /** Those of them that Glu can write into, and so promote into. */
  writableSources: string[];
  /** The format types that are registered, built-in and from modules. */
  formats: string[];
  /** The gate types that are registered, built-in and from modules. */
  gates: string[];
};

/** The answer of `GET /api/glu/extensions`: what the backend can run. */
export type GluExtensionTypes = {
  sources: string[];
  /** The source types that Glu can write into, and so promote into. */
  writableSources: string[];
  formats: string[];
  gates: string[];
};
