"""Assessments: question bank, quizzes, attempts. Models arrive with the
assessments issue."""
