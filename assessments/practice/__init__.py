"""Practical tasks (tugas praktik): the trainee's side (submitting on a
phone, history, portfolio), assessing against a rubric, allocation to
trainers and the release workflow. Models: assessments/models/practice.py."""
