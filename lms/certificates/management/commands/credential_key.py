"""Show the credential issuer key, creating the development key when missing.

    manage.py credential_key             # dev: make var/credential-key.pem if missing
    manage.py credential_key --new PATH  # a new key at PATH (e.g. for production)

`make run` calls the first form before it starts the servers.
"""

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.certificates.keys import (
    CredentialKeyError,
    issuer_key,
    key_file_ensure,
    multikey_encode,
    private_key_pem,
)


class Command(BaseCommand):
    help = (
        "Show the Ed25519 key that signs credentials (creating the development "
        "key when it is missing), or write a new key with --new PATH."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new",
            metavar="PATH",
            help="Write a new private key (PEM, mode 0600) to PATH; never overwrites.",
        )

    def handle(self, *args, **options):
        if options["new"]:
            path = Path(options["new"])
            if path.exists():
                raise CommandError(f"{path} exists; not overwriting a key.")
            key = Ed25519PrivateKey.generate()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600, exist_ok=False)
            path.write_bytes(private_key_pem(private_key=key))
            self.stdout.write(f"Wrote a new credential key to {path}")
            self.stdout.write(
                "publicKeyMultibase: " + multikey_encode(public_key=key.public_key())
            )
            self.stdout.write(f"Use it with SINAU_CREDENTIAL_KEY_FILE={path}")
            return
        path = Path(settings.SINAU_CREDENTIAL_KEY_FILE)
        if (
            not settings.SINAU_CREDENTIAL_KEY
            and settings.SINAU_CREDENTIAL_KEY_GENERATE
            and key_file_ensure(path=path)
        ):
            self.stdout.write(f"Created a development credential key: {path}")
        try:
            key = issuer_key()
        except CredentialKeyError as exc:
            raise CommandError(str(exc)) from exc
        source = "SINAU_CREDENTIAL_KEY" if settings.SINAU_CREDENTIAL_KEY else str(path)
        self.stdout.write(f"Credential key: {source}")
        self.stdout.write(f"Issuer: {key.did}")
        self.stdout.write(f"Verification method: {key.verification_method}")
        self.stdout.write(f"publicKeyMultibase: {key.public_key_multibase}")
