"""The storages of ``settings.STORAGES`` when files live in an S3-compatible bucket.

A module of its own, so that boto3 is imported only by a portal configured with a bucket.
"""

from storages.backends.s3 import S3Storage

from ogptracker.storage import LogoAddressMixin, NoAddressMixin


class BucketStorage(NoAddressMixin, S3Storage):
    """A prefix of the private S3-compatible bucket: no public ACL, no (signed) addresses."""


class PublicBucketStorage(LogoAddressMixin, S3Storage):
    """The logo's prefix of the private bucket: private ACL too, sent by the portal's view."""
