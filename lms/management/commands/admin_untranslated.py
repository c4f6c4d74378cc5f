"""`manage.py admin_untranslated`: list the admin strings a trainer and a
manager still see in English (see lms/admin_i18n.py). Exits 1 if any."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lms.accounts.roles import PROGRAM_MANAGERS, TRAINERS
from lms.admin_i18n import admin_screens, admin_untranslated


class Command(BaseCommand):
    help = "List untranslated admin strings on the screens trainers and managers use."

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            action="append",
            default=[],
            help="Email of a user to render as (default: the first trainer and "
            "the first program manager).",
        )
        parser.add_argument(
            "--po",
            help="Also write the untranslated messages to this file as empty "
            ".po entries, ready to translate.",
        )

    def handle(self, *args, **options):
        users = get_user_model().objects.filter(is_active=True)
        if options["user"]:
            chosen = list(users.filter(email__in=options["user"]))
        else:
            chosen = [
                u
                for u in (
                    users.filter(groups__name=TRAINERS).order_by("pk").first(),
                    users.filter(groups__name=PROGRAM_MANAGERS).order_by("pk").first(),
                )
                if u is not None
            ]
        if not chosen:
            raise CommandError("No trainer or program manager to render as.")
        screens = admin_screens()
        total: set = set()
        for user in chosen:
            found = admin_untranslated(user=user, screens=screens)
            for label, msgids in sorted(found.items()):
                self.stdout.write(f"[{user.email}] {label}:")
                for msg in sorted(msgids):
                    self.stdout.write(f"    {str(msg)!r}")
                total |= msgids
        self.stdout.write(
            f"{len(screens)} screens, {len(chosen)} users: "
            f"{len(total)} untranslated strings."
        )
        if options["po"]:
            with open(options["po"], "w", encoding="utf-8") as out:
                out.writelines(_po_entry(msg) for msg in sorted(total))
        if total:
            raise SystemExit(1)


def _po_quote(text: str) -> str:
    return (
        '"'
        + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))
        + '"'
    )


def _po_entry(msg) -> str:
    lines = []
    if msg.context:
        lines.append(f"msgctxt {_po_quote(msg.context)}")
    lines.append(f"msgid {_po_quote(msg.msgid)}")
    if msg.plural:
        lines += [f"msgid_plural {_po_quote(msg.plural)}", 'msgstr[0] ""']
    else:
        lines.append('msgstr ""')
    return "\n".join(lines) + "\n\n"
