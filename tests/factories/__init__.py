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
