/**
 * What moves through a pipeline, e.g. a container image reference. Its
 * identity is its digest: two phases hold the same version exactly when their
 * digests are equal.
 */
export interface GluResource {
  /** Content-derived identity of the version, e.g. `sha256:…`. */
  digest: string;
  /** What people call this version, e.g. an image tag or chart version. */
  version: string;
  /** The fields that a format reads and writes, e.g. `image`, `tag`. */
  fields: Record<string, string>;
}

/**
 * A format reads and writes a resource in the content of one file of a Git
 * repository (`kubernetes`, `kustomize`, `helm-values`, `yaml-path`, …).
 */
export interface GluFormat {
  /** The name used in a phase's `source.format`. */
  readonly type: string;
  /** Reads the resource fields out of the file content. */
  read(options: {
    content: string;
    config: Record<string, unknown>;
  }): Promise<Record<string, string>>;
  /**
   * Returns the file content with the resource fields written in, changing
   * nothing else in the file.
   */
  write(options: {
    content: string;
    fields: Record<string, string>;
    config: Record<string, unknown>;
  }): Promise<string>;
  /**
   * The resource fields that this format can hold with this configuration,
   * e.g. a values file without a digest key holds no digest. Versions are
   * compared on these fields only. All fields when left out.
   */
  holds?(config: Record<string, unknown>): string[];
}

/**
 * A source is where a phase's resource lives (`git`, `oci`, `helm`, `api`, …).
 */
export interface GluSource {
  /** The name used in a phase's `source.type`. */
  readonly type: string;
  /** Whether promotions can write into phases of this source. */
  readonly writable: boolean;
}
