"""factory_boy factories shared by the tests."""

import factory
from django.contrib.auth.models import Group

from lms.accounts.models import User
from lms.accounts.roles import PROGRAM_MANAGERS, TRAINEES, TRAINERS

PASSWORD = "kata-sandi-rahasia-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"orang{n}@contoh.id")
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    display_name = factory.Faker("name", locale="id_ID")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """`UserFactory(role=TRAINERS)` puts the user in that role's group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def trainee(**kwargs) -> User:
    return UserFactory(role=TRAINEES, **kwargs)


def trainer(**kwargs) -> User:
    return UserFactory(role=TRAINERS, **kwargs)


def program_manager(**kwargs) -> User:
    return UserFactory(role=PROGRAM_MANAGERS, **kwargs)


def course_trainer(course) -> User:
    """A trainer (the Trainers role) whose page permissions cover `course`:
    they may add, change and publish pages under it, nothing else."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    group = Group.objects.create(name=f"Pelatih {course.title} {Group.objects.count()}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=course,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = UserFactory(role=TRAINERS)
    user.groups.add(group)
    return user
