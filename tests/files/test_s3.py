"""Private files on an S3-compatible object store: a real S3 server (moto's, in a thread,
on a free port of 127.0.0.1) started by the test — never the internet."""

import socket

import boto3
import pytest
from django.core.files.storage import storages
from django.test import override_settings

from voisins.files import services
from voisins.files.selectors import file_content

from . import samples

pytestmark = pytest.mark.s3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3(settings):
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "voisins", "aws_secret_access_key": "voisins-secret"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
    client.create_bucket(Bucket="voisins-files")
    private = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "voisins-files", "endpoint_url": endpoint, "region_name": "us-east-1",
        "access_key": keys["aws_access_key_id"],
        "secret_key": keys["aws_secret_access_key"],
        "default_acl": "private", "file_overwrite": False, "querystring_auth": True}}
    with override_settings(STORAGES={**settings.STORAGES, "private": private}):
        yield client
    server.stop()


def test_a_case_attachment_goes_to_the_bucket_encrypted_and_comes_back(
        s3, case, alice, client, django_capture_on_commit_callbacks):
    plain = samples.pdf("S3-MARKER")
    stored = services.case_attachment_add(case=case, upload=samples.upload(
        "lettre.pdf", plain), by=alice)
    assert type(storages["private"]).__name__ == "S3Storage"
    body = s3.get_object(Bucket="voisins-files", Key=stored.storage_name)["Body"].read()
    assert body != plain and b"S3-MARKER" not in body
    assert file_content(stored) == plain
    client.force_login(alice)
    assert client.get(f"/files/{stored.uuid}/").content == plain
    with django_capture_on_commit_callbacks(execute=True):
        case.delete()
    assert s3.list_objects_v2(Bucket="voisins-files").get("KeyCount") == 0
