"""S3's errors: one class per error shape of the model, plus S3's many unmodelled codes.

S3's model declares few of the codes it really answers with; the rest carry ``unmodelled`` and
AWS's status. Messages are S3's; resource names go in ``fields`` (``BucketName``, ``Key``, ...)
so the ``<Error>`` document names the resource the way S3 does.
"""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError


class _S3Error(ServiceError):
    status = 400
    message_text = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__

    def __init__(self, message: str = "", **fields: Any) -> None:
        headers = fields.pop("headers", None)
        super().__init__(message or self.message_text, fields=fields, headers=headers)


# --- modelled error shapes -----------------------------------------------------------------


class AccessDenied(_S3Error):
    """The caller may not do this (also: an expired presigned URL)."""

    status = 403
    message_text = "Access Denied"


class BucketAlreadyExists(_S3Error):
    """Another account owns a bucket of this name."""

    status = 409
    message_text = (
        "The requested bucket name is not available. The bucket namespace is shared by all users of "
        "the system. Please select a different name and try again."
    )


class BucketAlreadyOwnedByYou(_S3Error):
    """The caller already owns the bucket (outside us-east-1)."""

    status = 409
    message_text = "Your previous request to create the named bucket succeeded and you already own it."


class InvalidObjectState(_S3Error):
    """An archived object that has not been restored."""

    status = 403
    message_text = "The operation is not valid for the object's storage class"


class InvalidRequest(_S3Error):
    """A request S3 refuses as a whole (bad checksum algorithm, bad header combination...)."""


class NoSuchBucket(_S3Error):
    """The bucket does not exist."""

    status = 404
    message_text = "The specified bucket does not exist"


class NoSuchKey(_S3Error):
    """The key (or version) does not exist."""

    status = 404
    message_text = "The specified key does not exist."


class NoSuchUpload(_S3Error):
    """The multipart upload does not exist."""

    status = 404
    message_text = (
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
        "aborted or completed."
    )


class ObjectAlreadyInActiveTierError(_S3Error):
    """RestoreObject on an object that is not archived."""

    status = 403
    message_text = "Restore is not allowed for the object's current storage class"


# --- S3's unmodelled codes ------------------------------------------------------------------


class _Unmodelled(_S3Error):
    unmodelled = True


class KmsError(_Unmodelled):
    """A KMS error met while getting or opening an object's data key: S3 answers with KMS's
    code prefixed ``KMS.`` (``KMS.DisabledException``, ``KMS.NotFoundException``), KMS's
    message and status."""

    def __init__(self, error: ServiceError) -> None:
        super().__init__(error.message)
        self.code = f"KMS.{error.code}"
        self.status = error.status


class BadDigest(_Unmodelled):
    """A Content-MD5 or checksum that does not match the bytes received."""

    message_text = "The Content-MD5 you specified did not match what we received."


class InvalidDigest(_Unmodelled):
    """A Content-MD5 that is not a base64 MD5."""

    message_text = "The Content-MD5 you specified was invalid."


class BucketNotEmpty(_Unmodelled):
    status = 409
    message_text = "The bucket you tried to delete is not empty"


class InvalidBucketName(_Unmodelled):
    message_text = "The specified bucket is not valid."


class InvalidArgument(_Unmodelled):
    message_text = "Invalid Argument"


class InvalidLocationConstraint(_Unmodelled):
    message_text = "The specified location-constraint is not valid"


class IllegalLocationConstraintException(_Unmodelled):
    message_text = "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."


class KeyTooLongError(_Unmodelled):
    message_text = "Your key is too long"


class MalformedXML(_Unmodelled):
    message_text = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


class MethodNotAllowed(_Unmodelled):
    status = 405
    message_text = "The specified method is not allowed against this resource."


class NotModified(_Unmodelled):
    status = 304
    message_text = "Not Modified"


class PreconditionFailed(_Unmodelled):
    status = 412
    message_text = "At least one of the pre-conditions you specified did not hold"


class InvalidRange(_Unmodelled):
    status = 416
    message_text = "The requested range is not satisfiable"


class InvalidPolicyDocument(_Unmodelled):
    message_text = "The content of the form does not meet the conditions specified in the policy document."


class MalformedPOSTRequest(_Unmodelled):
    message_text = "The body of your POST request is not well-formed multipart/form-data."


class IncorrectNumberOfFilesInPostRequest(_Unmodelled):
    message_text = "POST requires exactly one file upload per request."


class EntityTooSmall(_Unmodelled):
    message_text = "Your proposed upload is smaller than the minimum allowed object size."


class EntityTooLarge(_Unmodelled):
    message_text = "Your proposed upload exceeds the maximum allowed size"


class InvalidPart(_Unmodelled):
    message_text = (
        "One or more of the specified parts could not be found.  The part may not have been uploaded, "
        "or the specified entity tag may not have matched the part's entity tag."
    )


class InvalidPartOrder(_Unmodelled):
    message_text = "The list of parts was not in ascending order. The parts list must be specified in order by part number."


class NoSuchVersion(_Unmodelled):
    status = 404
    message_text = "The specified version does not exist."


class InvalidTag(_Unmodelled):
    message_text = "The TagSet is not valid."


class RestoreAlreadyInProgress(_Unmodelled):
    status = 409
    message_text = "Object restore is already in progress"


class InvalidBucketState(_Unmodelled):
    status = 409
    message_text = "The request is not valid with the current state of the bucket."


class NoSuchTagSet(_Unmodelled):
    status = 404
    message_text = "The TagSet does not exist"


class NoSuchCORSConfiguration(_Unmodelled):
    status = 404
    message_text = "The CORS configuration does not exist"


class NoSuchBucketPolicy(_Unmodelled):
    status = 404
    message_text = "The bucket policy does not exist"


class NoSuchLifecycleConfiguration(_Unmodelled):
    status = 404
    message_text = "The lifecycle configuration does not exist"


class NoSuchWebsiteConfiguration(_Unmodelled):
    status = 404
    message_text = "The specified bucket does not have a website configuration"


class ServerSideEncryptionConfigurationNotFoundError(_Unmodelled):
    status = 404
    message_text = "The server side encryption configuration was not found"


class NoSuchPublicAccessBlockConfiguration(_Unmodelled):
    status = 404
    message_text = "The public access block configuration was not found"


class OwnershipControlsNotFoundError(_Unmodelled):
    status = 404
    message_text = "The bucket ownership controls were not found"


class ReplicationConfigurationNotFoundError(_Unmodelled):
    status = 404
    message_text = "The replication configuration was not found"


class AccessForbidden(_Unmodelled):
    """A CORS preflight that the bucket's rules do not allow."""

    status = 403
    message_text = (
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
        "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted "
        "by the resource's CORS spec."
    )


class MissingContentLength(_Unmodelled):
    status = 411
    message_text = "You must provide the Content-Length HTTP header."


class XAmzContentSHA256Mismatch(_Unmodelled):
    message_text = "The provided 'x-amz-content-sha256' header does not match what was computed."


class IncompleteBody(_Unmodelled):
    message_text = "The request body terminated unexpectedly"


class InvalidPartNumber(_Unmodelled):
    status = 416
    message_text = "The requested partnumber is not satisfiable"


class MalformedPolicy(_Unmodelled):
    message_text = "Policies must be valid JSON and the first byte must be '{'"


class ObjectLockConfigurationNotFoundError(_Unmodelled):
    status = 404
    message_text = "Object Lock configuration does not exist for this bucket"


class NoSuchObjectLockConfiguration(_Unmodelled):
    status = 404
    message_text = "The specified object does not have a ObjectLock configuration"


class SignatureDoesNotMatch(_Unmodelled):
    status = 403
    message_text = "The request signature we calculated does not match the signature you provided. Check your key and signing method."


class MetadataTooLarge(_Unmodelled):
    message_text = "Your metadata headers exceed the maximum allowed metadata size"
