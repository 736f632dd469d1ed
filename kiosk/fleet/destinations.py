"""Where a bundle is published: a folder (a web server's document root, a mounted share) or an
S3-compatible bucket (AWS, MinIO, R2), chosen by URL.

Why so small an interface: publishing only needs to know whether a file is already there, to
write one, and to read a manifest back. Content-addressed files never change once written, so
the publisher writes the files first and the manifest last: a table that reads the manifest at
any moment finds every file it names.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol
from urllib.parse import unquote, urlsplit

from kiosk.fleet.manifest import FILES_DIR, MANIFEST_NAME

SCHEMES = ("file", "s3")
COPY_CHUNK = 1024 * 1024
MANIFEST_CACHE = "no-cache"
"""A manifest changes with every version: caches must ask again each time."""
FILE_CACHE = "public, max-age=31536000, immutable"
"""A file named by its hash never changes: caches keep it for a year."""
S3_TIMEOUTS = {"connect_timeout": 10, "read_timeout": 60}
DEFAULT_REGION = "us-east-1"


class PublishError(Exception):
    """Publishing cannot go on; the message says why in a sentence, for the command line."""


class Destination(Protocol):
    """A place holding bundles, addressed by POSIX keys (``files/SHA``, ``manifest.json``)."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` is there, whole."""
        ...

    def put(self, key: str, data: bytes | Path, content_type: str) -> None:
        """Write ``key`` (bytes, or a file streamed from disk) so readers see all or nothing."""
        ...

    def get(self, key: str) -> bytes | None:
        """The content of ``key``; None when there is none."""
        ...

    def describe(self) -> str:
        """Where the destination is, for messages (a path or a URL)."""
        ...


def destination_for(url: str, environ: Mapping[str, str] | None = None) -> Destination:
    """The destination ``url`` names: ``file:///abs/path`` or ``s3://bucket/prefix``."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise PublishError(f"{url}: a folder is written file:///absolute/path")
        return FolderDestination(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise PublishError(f"{url}: a bucket is written s3://bucket or s3://bucket/prefix")
        return S3Destination(parts.netloc, unquote(parts.path).strip("/"),
                             os.environ if environ is None else environ)
    schemes = ", ".join(f"{scheme}://" for scheme in SCHEMES)
    raise PublishError(f"{url}: cannot publish there (supported: {schemes})")


def content_type(path: str) -> str:
    """The MIME type a file is served with, from its name."""
    if path.endswith((".yaml", ".yml")):
        return "application/yaml"
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def _checked_key(key: str) -> str:
    """A relative key with no way out of the destination."""
    parts = PurePosixPath(key).parts
    if (not key or key.startswith("/") or "\\" in key or "\0" in key
            or any(part in ("", ".", "..") for part in parts)):
        raise PublishError(f"bad key {key!r}")
    return key


def _cache_control(key: str) -> str | None:
    if key.endswith(MANIFEST_NAME):
        return MANIFEST_CACHE
    if key.startswith(f"{FILES_DIR}/"):
        return FILE_CACHE
    return None


class FolderDestination:
    """A folder on this machine; each write is a temporary file moved into place once synced,
    so a reader (or a crash) never sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self, key: str = "") -> str:
        return str(self.root / key) if key else str(self.root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*PurePosixPath(_checked_key(key)).parts)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise PublishError(f"cannot read {self.describe(key)}: {exc.strerror}") from None

    def put(self, key: str, data: bytes | Path, content_type: str) -> None:
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                                 dir=target.parent)
        except OSError as exc:
            raise PublishError(f"cannot write in {target.parent}: {exc.strerror}") from None
        try:
            with os.fdopen(handle, "wb") as out:
                _write(out, data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a web server
            os.replace(temporary, target)
            _sync_folder(target.parent)
        except BaseException as exc:  # an interrupted copy leaves no temporary file behind
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if isinstance(exc, OSError):
                raise PublishError(f"cannot write {target}: {exc.strerror or exc}") from None
            raise


def _write(out: IO[bytes], data: bytes | Path) -> None:
    if isinstance(data, bytes):
        out.write(data)
        return
    with data.open("rb") as source:
        while chunk := source.read(COPY_CHUNK):
            out.write(chunk)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power cut keeps the new name)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:  # some file systems cannot sync a folder; the rename still happened
        pass
    finally:
        os.close(descriptor)


class S3Destination:
    """A bucket, through boto3's standard configuration: ``AWS_ENDPOINT_URL`` (or
    ``AWS_ENDPOINT_URL_S3``) for MinIO, R2 or a test server, ``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY`` or a profile, the region (us-east-1 when none is set)."""

    def __init__(self, bucket: str, prefix: str, environ: Mapping[str, str]) -> None:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        self.bucket, self.prefix = bucket, prefix
        custom_endpoint = bool(environ.get("AWS_ENDPOINT_URL_S3")
                               or environ.get("AWS_ENDPOINT_URL"))
        options: dict[str, Any] = {
            "retries": {"max_attempts": 3, "mode": "standard"}, **S3_TIMEOUTS}
        if custom_endpoint:  # MinIO and most others answer path-style URLs, not bucket.host
            options["s3"] = {"addressing_style": "path"}
        try:
            region = None if boto3.session.Session().region_name else DEFAULT_REGION
            self.client = boto3.client("s3", region_name=region, config=Config(**options))
        except (BotoCoreError, ValueError) as exc:  # a bad profile, region or endpoint URL
            raise PublishError(f"cannot use S3: {exc}") from None
        self._bucket_checked = False

    def describe(self, key: str = "") -> str:
        path = self._key(key)
        return f"s3://{self.bucket}/{path}" if path else f"s3://{self.bucket}"

    def _key(self, key: str) -> str:
        return "/".join(part for part in (self.prefix, key) if part)

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        self._check_bucket()
        with self._errors("look for", key):
            try:
                self.client.head_object(Bucket=self.bucket, Key=self._key(_checked_key(key)))
            except ClientError as exc:
                if _status(exc) == 404:
                    return False
                raise
        return True

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        self._check_bucket()
        with self._errors("read", key):
            try:
                answer = self.client.get_object(Bucket=self.bucket,
                                                Key=self._key(_checked_key(key)))
            except ClientError as exc:
                if _code(exc) in ("NoSuchKey", "404"):
                    return None
                raise
            return answer["Body"].read()

    def put(self, key: str, data: bytes | Path, content_type: str) -> None:
        self._check_bucket()
        extra: dict[str, str] = {"ContentType": content_type}
        cache = _cache_control(key)
        if cache:
            extra["CacheControl"] = cache
        with self._errors("write", key):
            if isinstance(data, bytes):
                self.client.put_object(Bucket=self.bucket, Key=self._key(_checked_key(key)),
                                       Body=data, **extra)
                return
            with data.open("rb") as body:
                self.client.put_object(Bucket=self.bucket, Key=self._key(_checked_key(key)),
                                       Body=body, ContentLength=os.fstat(body.fileno()).st_size,
                                       **extra)

    def _check_bucket(self) -> None:
        """Say "no such bucket" once, up front: a HEAD on a key of a missing bucket is a bare
        404, the same as a missing key. A 403 here only means no s3:ListBucket; the reads and
        writes that follow say whether the rest is allowed."""
        if self._bucket_checked:
            return
        from botocore.exceptions import ClientError

        with self._errors("open", ""):
            try:
                self.client.head_bucket(Bucket=self.bucket)
            except ClientError as exc:
                if _status(exc) != 403:
                    raise
        self._bucket_checked = True

    @contextlib.contextmanager
    def _errors(self, doing: str, key: str) -> Iterator[None]:
        """botocore's exceptions, as one sentence each."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectionError,
            NoCredentialsError,
            PartialCredentialsError,
        )

        endpoint = self.client.meta.endpoint_url
        try:
            yield
        except ClientError as exc:
            raise PublishError(self._refusal(exc, doing, key)) from None
        except (NoCredentialsError, PartialCredentialsError):
            raise PublishError("no S3 credentials: set AWS_ACCESS_KEY_ID and "
                               "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)") from None
        except ConnectionError as exc:
            raise PublishError(f"cannot reach the S3 endpoint {endpoint} ({exc}): check "
                               "AWS_ENDPOINT_URL and the network") from None
        except BotoCoreError as exc:
            raise PublishError(f"S3 failed to {doing} {self.describe(key)}: {exc}") from None
        except OSError as exc:  # a local file to upload that cannot be read
            raise PublishError(f"cannot read what to upload to {self.describe(key)}: "
                               f"{exc.strerror or exc}") from None

    def _refusal(self, exc: Any, doing: str, key: str) -> str:
        code, status = _code(exc), _status(exc)
        where = self.describe(key)
        if code == "NoSuchBucket" or (status == 404 and not key):
            return (f"bucket {self.bucket!r} does not exist at {self.client.meta.endpoint_url}: "
                    "create it first, or check the URL")
        if status == 301 or code in ("PermanentRedirect", "AuthorizationHeaderMalformed"):
            return (f"bucket {self.bucket!r} is in another region: set AWS_DEFAULT_REGION to "
                    "its region")
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return (f"S3 does not accept these credentials ({code}): check AWS_ACCESS_KEY_ID and "
                    "AWS_SECRET_ACCESS_KEY")
        if code in ("AccessDenied", "AllAccessDisabled", "403") or status == 403:
            return (f"access denied to {where}: the credentials need s3:GetObject, "
                    "s3:PutObject and s3:ListBucket on the bucket")
        message = exc.response.get("Error", {}).get("Message") or ""
        return f"S3 refused to {doing} {where}: {code} {message}".rstrip()


def _code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: Any) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
