"""The question bank's admin: forms (attached to the models in
`AppConfig.ready`), viewsets, the staff-scope policies and the function views
(question type choice and preview, regrade, imports and exports).

Nothing is imported here: Django's admin autodiscovery imports
`assessments.admin` at start-up, and the modules below are loaded by
assessments/wagtail_hooks.py and apps.py when Wagtail asks for them."""
