"""manage.py vapid_keys: make a VAPID key pair for web push (RFC 8292)
and print the environment lines that turn push on.

    SINAU_VAPID_PUBLIC_KEY=<65-octet uncompressed P-256 point, base64url>
    SINAU_VAPID_PRIVATE_KEY=<32-octet private key, base64url>
    SINAU_VAPID_SUBJECT=mailto:...

The public key is the browser's applicationServerKey; keep the private
key secret. Changing the pair later makes every existing subscription
useless (browsers must subscribe again)."""

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand
from py_vapid import Vapid

from lms.notifications.channels.push import b64url


def vapid_pair() -> tuple[str, str]:
    """A new (public, private) key pair, both base64url without padding."""
    key = Vapid()
    key.generate_keys()
    public = key.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = key.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64url(public), b64url(private)


class Command(BaseCommand):
    help = "Generate a VAPID key pair for web push and print the settings lines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            default="mailto:admin@example.org",
            help="Contact for push services: mailto: or https: address.",
        )

    def handle(self, *args, subject, **options):
        public, private = vapid_pair()
        self.stdout.write(f"SINAU_VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"SINAU_VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"SINAU_VAPID_SUBJECT={subject}")
