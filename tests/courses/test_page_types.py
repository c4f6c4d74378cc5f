from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from content.models import HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from tests.factories import trainee
from tests.factories.courses import course_tree, lessons_of


class PageTreeRulesTest(WagtailPageTestCase):
    def test_catalogue_lives_under_the_home_page_only(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})

    def test_course_holds_modules_only(self):
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})

    def test_module_lives_in_a_course(self):
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertCanCreateAt(ModulePage, LessonPage)
        self.assertCanNotCreateAt(ModulePage, CoursePage)

    def test_lesson_lives_in_a_module_and_has_no_children(self):
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanNotCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(Page, CoursePage)

    def test_pages_render(self):
        course = course_tree(modules=1, lessons=1)
        lesson = lessons_of(course)[0]
        self.assertPageIsRenderable(course)
        self.assertPageIsRenderable(course.get_parent().specific)
        user = trainee()
        self.client.force_login(user)
        self.assertPageIsRenderable(lesson)

    def test_module_page_redirects_to_its_place_in_the_course(self):
        course = course_tree(modules=1, lessons=1)
        module = course.get_children().first()
        response = self.client.get(module.url)
        self.assertRedirects(
            response, f"{course.url}#module-{module.pk}", fetch_redirect_response=False
        )
