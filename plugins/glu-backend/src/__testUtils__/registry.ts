import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real OCI registry (Debian's `docker-registry`, the CNCF distribution
 * registry) on a loopback port, with its storage in a temporary folder.
 */
export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** Pushes an image with skopeo; returns the digest the tag points at. */
  push(
    name: string,
    tag: string,
    options?: { platforms?: string[]; content?: string },
  ): Promise<string>;
  /**
   * Pushes a Helm chart as `helm push` stores one in an OCI registry (chart
   * config and archive layers), through the registry's HTTP API; returns the
   * manifest digest.
   */
  pushChart(name: string, version: string): Promise<string>;
  stop(): Promise<void>;
  /** Stops the server but keeps its storage, to start it again later. */
  pause(): Promise<void>;
  resume(): Promise<void>;
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Writes a valid OCI image layout by hand: layers, configs, manifests. */
async function writeLayout(
  dir: string,
  tag: string,
  platforms: string[],
  content: string,
): Promise<void> {
  const blobs = path.join(dir, 'blobs', 'sha256');
  await fs.mkdir(blobs, { recursive: true });
  const writeBlob = async (data: Buffer | string) => {
    const digest = sha256(data);
    await fs.writeFile(path.join(blobs, digest.slice(7)), data);
    return { digest, size: Buffer.byteLength(data) };
  };
  const manifests = [];
  for (const platform of platforms) {
    const [osName, architecture] = platform.split('/');
    const layer = gzipSync(Buffer.from(`${content} for ${platform}\n`));
    const layerBlob = await writeBlob(layer);
    const config = JSON.stringify({
      architecture,
      os: osName,
      rootfs: {
        type: 'layers',
        diff_ids: [sha256(`${content} for ${platform}\n`)],
      },
      config: {},
    });
    const configBlob = await writeBlob(config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        ...configBlob,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          ...layerBlob,
        },
      ],
    });
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...(await writeBlob(manifest)),
      platform: { os: osName, architecture },
    });
  }
  let top;
  if (manifests.length === 1) {
    const { platform: _platform, ...single } = manifests[0];
    top = single;
  } else {
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests,
    });
    top = {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      ...(await writeBlob(index)),
    };
  }
  await fs.writeFile(
    path.join(dir, 'oci-layout'),
    JSON.stringify({ imageLayoutVersion: '1.0.0' }),
  );
  await fs.writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { ...top, annotations: { 'org.opencontainers.image.ref.name': tag } },
      ],
    }),
  );
}

export async function startTestRegistry(): Promise<TestRegistry> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const configFile = path.join(root, 'config.yml');
  await fs.writeFile(
    configFile,
    `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${path.join(root, 'storage')}
  delete:
    enabled: true
http:
  addr: ${host}
`,
  );
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn('docker-registry', ['serve', configFile], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const response = await fetch(`http://${host}/v2/`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(`The registry did not start on ${host}`);
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  };
  const stopServer = async () => {
    if (!server || server.exitCode !== null) return;
    const exited = new Promise(resolve => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  };
  await start();
  let pushes = 0;
  return {
    host,
    async push(name, tag, options = {}) {
      const layout = path.join(root, `layout-${pushes++}`);
      await writeLayout(
        layout,
        tag,
        options.platforms ?? ['linux/amd64'],
        options.content ?? `${name}:${tag}`,
      );
      await run('skopeo', [
        'copy',
        '--quiet',
        '--all',
        '--preserve-digests',
        '--dest-tls-verify=false',
        `oci:${layout}:${tag}`,
        `docker://${host}/${name}:${tag}`,
      ]);
      const response = await fetch(
        `http://${host}/v2/${name}/manifests/${tag}`,
        {
          method: 'HEAD',
          headers: {
            accept:
              'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json',
          },
        },
      );
      return response.headers.get('docker-content-digest')!;
    },
    async pushChart(name, version) {
      const upload = async (data: Buffer) => {
        const digest = sha256(data);
        const begun = await fetch(`http://${host}/v2/${name}/blobs/uploads/`, {
          method: 'POST',
        });
        const location = new URL(
          begun.headers.get('location')!,
          `http://${host}`,
        );
        location.searchParams.set('digest', digest);
        const put = await fetch(location, {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: data,
        });
        if (put.status !== 201) throw new Error(`blob upload: ${put.status}`);
        return { digest, size: data.length };
      };
      const config = await upload(
        Buffer.from(JSON.stringify({ apiVersion: 'v2', name, version })),
      );
      const layer = await upload(gzipSync(Buffer.from(`${name} ${version}`)));
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.cncf.helm.config.v1+json',
          ...config,
        },
        layers: [
          {
            mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
            ...layer,
          },
        ],
      });
      const tag = version.replace(/\+/g, '_');
      const put = await fetch(`http://${host}/v2/${name}/manifests/${tag}`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
        },
        body: manifest,
      });
      if (put.status !== 201) throw new Error(`manifest push: ${put.status}`);
      return sha256(manifest);
    },
    async stop() {
      await stopServer();
      await fs.rm(root, { recursive: true, force: true });
    },
    pause: stopServer,
    resume: start,
  };
}
