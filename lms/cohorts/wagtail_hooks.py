"""The program manager's admin menu: Cohorts (create and edit, scoped to
their own), Dashboards and Exports (the site pages). Every admin view of a
cohort by id keeps to `cohorts_managed_by` (`COHORT_POLICY`): another
manager's cohort is refused as `lms.common.staff_scope` says (the admin's
redirect with its message); the site pages answer it with a 404."""

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.models import (
    formfield_for_dbfield as admin_formfield_for_dbfield,
)
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views import generic

from assessments.practice.queue import tasks_waiting_count
from assessments.selectors import essays_waiting_count, quizzes_with_hard_questions
from lms.common import staff_scope
from lms.common.forms import NumberFieldsMixin
from lms.common.http import reaches_admin, whole_number

from .models import Cohort, CohortMembership
from .selectors import (
    certificates_earned_in_cohorts_q,
    cohort_invitations_of,
    cohort_people_in_scope,
    cohorts_managed_by,
    cohorts_summary,
    cohorts_visible_to,
)

# The staff scope of the cohort admin: a manager changes only the cohorts
# they manage (the rule: lms.common.staff_scope).
COHORT_POLICY = staff_scope.StaffScopePolicy(Cohort, scope=cohorts_managed_by)
staff_scope.register(COHORT_POLICY)


class CohortIndexView(staff_scope.ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("courses")


class CreateView(generic.CreateView):
    def save_instance(self):
        """The manager who creates a cohort manages it."""
        instance = super().save_instance()
        if not self.request.user.is_superuser:
            instance.managers.add(self.request.user)
        return instance


class CohortViewSet(NumberFieldsMixin, staff_scope.ScopedModelViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    add_to_admin_menu = False
    url_prefix = "angkatan"
    name = "cohort_admin"
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = CohortIndexView
    add_view_class = CreateView
    list_display = ["name", "code", "starts_on", "ends_on"]
    search_fields = ["name", "code"]

    def formfield_for_dbfield(self, db_field, **kwargs):
        """Wagtail's admin widgets, as its model forms use: checkboxes for
        the courses and the staff (lms/apps.py), the date picker."""
        return admin_formfield_for_dbfield(db_field, **kwargs)

    form_fields = [
        "name",
        "code",
        "starts_on",
        "ends_on",
        "courses",
        "learning_path",
        "trainers",
        "managers",
        "reminder_after_days",
        "at_risk_after_days",
    ]


cohort_viewset = CohortViewSet()


@hooks.register("register_admin_viewset")
def register_cohort_viewset():
    return cohort_viewset


class StaffMenuItem(MenuItem):
    """Shown to people who manage or teach a cohort (or may create one)."""

    def is_shown(self, request):
        user = request.user
        return user.has_perm("cohorts.view_cohort") or (
            cohorts_visible_to(user=user).exists()
        )


class CohortAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("cohorts.view_cohort")


cohorts_menu = Menu(register_hook_name="register_cohorts_menu_item")


@hooks.register("register_cohorts_menu_item")
def cohorts_admin_item():
    return CohortAdminMenuItem(
        _("Cohorts"),
        reverse(cohort_viewset.get_url_name("index")),
        icon_name="group",
        order=100,
    )


@hooks.register("register_cohorts_menu_item")
def cohorts_dashboard_item():
    return StaffMenuItem(
        _("Dashboards"), reverse("cohorts:list"), icon_name="view", order=200
    )


@hooks.register("register_cohorts_menu_item")
def cohorts_exports_item():
    return StaffMenuItem(
        _("Exports"), reverse("cohorts:exports"), icon_name="download", order=300
    )


class CohortsSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return StaffMenuItem.is_shown(self, request)


@hooks.register("register_admin_menu_item")
def cohorts_submenu():
    return CohortsSubmenu(_("Cohorts"), cohorts_menu, icon_name="group", order=150)


# -- the marking queue and quiz statistics filtered to one cohort -------------


@hooks.register("sinau_trainee_groups")
def cohort_trainee_groups(request):
    """For assessments' `?cohort=` filter: the cohorts this person may see,
    and the trainees of one of them (None when the id is not theirs)."""
    visible = cohorts_visible_to(user=request.user)

    def members(key: str):
        pk = whole_number(key)
        if pk is None or not visible.filter(pk=pk).exists():
            return None
        return CohortMembership.objects.members().filter(cohort_id=pk).values("user_id")

    return {
        "param": "cohort",
        "label": _("Cohort"),
        "choices": list(visible.values_list("pk", "name")),
        "members": members,
    }


# -- the people a cohort's staff act for (lms.accounts) -----------------------


@hooks.register("sinau_people_in_staff_scope")
def cohort_people(*, user):
    """The active members of the cohorts `user` manages or teaches, as a
    user-id subquery (password links: lms.accounts.selectors)."""
    return cohort_people_in_scope(user=user)


@hooks.register("sinau_certificates_in_staff_scope")
def cohort_certificates(*, user):
    """The certificates earned in a course of a cohort `user` manages or
    teaches while the person was a member, through a cohort enrolment, as a
    filter on Certificate (lms.certificates.selectors)."""
    return certificates_earned_in_cohorts_q(user=user)


# -- invitations on Belajarku -------------------------------------------------


@hooks.register("sinau_my_learning_notices")
def invitations_notice(request):
    """The cohort invitations waiting for this person (one query), above
    their courses; nothing when there are none."""
    invitations = list(cohort_invitations_of(user=request.user))
    if not invitations:
        return ""
    return render_to_string(
        "cohorts/includes/invitations.html",
        {"invitations": invitations},
        request=request,
    )


# -- the staff start page (the home page's panels) ---------------------------


@hooks.register("sinau_home_panels", order=-10)
def staff_start_panel(request):
    """The start page of trainers and program managers, above anything they
    learn themselves: what waits for them (essays to mark in their quiz
    scope, practical tasks to assess, quizzes with hard questions) and
    their cohorts with how many trainees are at risk (`cohorts_summary`,
    the dashboard's rule). "" for people who do not reach the admin,
    without a query. A fixed number of queries whatever the number of
    cohorts, trainees and quizzes."""
    if not reaches_admin(request):
        return ""
    user = request.user
    marks = user.has_perm("assessments.change_question")
    cohorts = cohorts_summary(user=user)
    if not marks and not cohorts and not user.has_perm("cohorts.add_cohort"):
        return ""
    context = {
        "marks": marks,
        "cohorts": cohorts,
        "can_add_cohort": user.has_perm("cohorts.add_cohort"),
        "cohort_add_url": reverse(cohort_viewset.get_url_name("add")),
    }
    if marks:
        context["waiting"] = essays_waiting_count(user=user)
        context["tasks_waiting"] = tasks_waiting_count(user=user)
        context["hard_quizzes"] = quizzes_with_hard_questions(user=user)
    return render_to_string(
        "cohorts/includes/home_staff.html", context, request=request
    )


# -- who assesses a trainee's practical task (assessments) ------------------


@hooks.register("sinau_task_assessors")
def cohort_task_assessors(user, course) -> list[int]:
    """For `submission_allocate`: ids of the trainers of the cohorts in
    which `user` is an active member (active or graduated) and which have
    `course` (chosen, or on the cohort's learning path), lowest first."""
    cohorts = Cohort.objects.filter(
        Q(courses=course.pk) | Q(learning_path__steps__course=course.pk),
        memberships__user=user,
        memberships__status__in=CohortMembership.ACTIVE_STATUSES,
    )
    return sorted(
        set(
            Cohort.trainers.through.objects.filter(
                cohort__in=cohorts.values("pk")
            ).values_list("user_id", flat=True)
        )
    )
