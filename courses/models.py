"""Courses: the page tree, enrollment and progress. Models arrive with the
courses issue."""
