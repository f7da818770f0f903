/**
 * The S3 API's metadata. Object bytes live in the blob store under `blob_id`; these rows say what
 * they mean. Keys compare byte-wise (UTF-8 order, as S3 lists them) on both dialects.
 */
export interface S3Tables {
  s3_buckets: {
    name: string;
    account_id: string;
    region: string;
    created_at: number;
  };
  s3_objects: {
    bucket: string;
    key: string;
    blob_id: string;
    size: number;
    /** Quoted, as S3 sends it: `"<md5 hex>"` or `"<md5 of part md5s>-<parts>"`. */
    etag: string;
    content_type: string;
    /** JSON object of stored standard headers (Cache-Control, Content-Disposition, …). */
    headers: string;
    /** JSON object of user metadata (`x-amz-meta-*` without the prefix). */
    metadata: string;
    /** CRC32, CRC32C, SHA1, SHA256 or CRC64NVME, when the object carries a checksum. */
    checksum_algorithm: string | null;
    /** Base64 checksum; `<base64>-<parts>` for a composite multipart checksum. */
    checksum_value: string | null;
    /** FULL_OBJECT or COMPOSITE. */
    checksum_type: string | null;
    /** Number of parts for a multipart object, else null. */
    parts_count: number | null;
    last_modified: number;
  };
  s3_uploads: {
    upload_id: string;
    bucket: string;
    key: string;
    content_type: string;
    headers: string;
    metadata: string;
    checksum_algorithm: string | null;
    checksum_type: string | null;
    /** ARN of the principal that started the upload. */
    initiator_arn: string;
    initiated_at: number;
  };
  s3_upload_parts: {
    upload_id: string;
    part_number: number;
    blob_id: string;
    size: number;
    etag: string;
    checksum_value: string | null;
    last_modified: number;
  };
}
