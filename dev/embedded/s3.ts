import S3rver from '@20minutes/s3rver';

export interface EmbeddedS3 {
  endpoint: string;
  close(): Promise<void>;
}

/** The web page fetches presigned URLs from another origin, as it would from S3 with the stack's CORS rule. */
const CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

/** s3rver: real S3 protocol on disk. Signatures are not checked (any local credentials work). */
export async function startS3(options: {
  directory: string;
  bucket: string;
  port?: number;
  host?: string;
  /** Called with the key of every object written (a put or a completed multipart upload). */
  onObjectCreated?: (key: string) => void;
}): Promise<EmbeddedS3> {
  const server = new S3rver({
    address: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: options.bucket, configs: [CORS] }],
  });
  const { onObjectCreated } = options;
  if (onObjectCreated) {
    server.on('event', (event) => {
      for (const record of event.Records)
        if (record.eventName.startsWith('ObjectCreated')) onObjectCreated(record.s3.object.key);
    });
  }
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}
