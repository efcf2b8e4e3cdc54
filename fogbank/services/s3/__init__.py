"""S3: buckets and objects, streamed to blob files, with versioning, multipart, CORS and encryption."""
