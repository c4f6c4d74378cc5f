"""Each course gets a media collection under "Sinau"
(docs/decisions/0013-course-media-collections.md), which trainers may upload to, change
and choose from by inheritance."""

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy

from content.services import site_ensure
from courses.media import course_collection_ensure
from courses.models import CoursePage
from courses.seed import course_index_ensure
from lms.accounts.roles import MEDIA_COLLECTION
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


def test_a_course_created_in_the_admin_gets_its_collection(a_trainer, client):
    index = course_index_ensure(home=site_ensure())
    client.force_login(a_trainer)
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "coursepage", index.pk]),
        {
            "title": "Jualan Gula Aren",
            "slug": "jualan-gula-aren",
            "summary": "Belajar menjual.",
            "skill": "copywriting",
            "level": "beginner",
            "estimated_hours": "2",
            "enrollment_policy": "open",
            "outcomes-count": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CoursePage.objects.filter(slug="jualan-gula-aren").exists()
    sinau = Collection.objects.get(name=MEDIA_COLLECTION)
    assert [c.name for c in sinau.get_children()] == ["Jualan Gula Aren"]


def test_the_course_collection_is_made_once_and_trainers_may_upload_there(
    a_trainer,
):
    course_index_ensure(home=site_ensure())
    course = course_tree(modules=1, lessons=1, title="Kopi Desa")
    first = course_collection_ensure(course=course)
    assert course_collection_ensure(course=course) == first
    assert first.get_parent().name == MEDIA_COLLECTION
    policy = CollectionOwnershipPermissionPolicy(
        get_image_model(),
        auth_model=get_image_model(),
        owner_field_name="uploaded_by_user",
    )
    allowed = policy.collections_user_has_permission_for(a_trainer, "add")
    assert first in allowed
