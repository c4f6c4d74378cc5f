"""The bottom layer: helpers every app may use, which import no Sinau app.

- `addresses`: the base of every public link (`public_url`), and the
  middleware that records the address staff reach Sinau at.
- `broker`: Kombu's filesystem transport with atomic writes.
- `cache`: the Redis cache backend that survives losing Redis.
- `converters`: the `<id:...>` URL converter.
- `deletion`: admin deletes refused before they start, with a reason.
- `errors`: `Refused`, the one base of user-facing refusals, and the view
  helper that answers one.
- `forms`: `NumberField`, the one form field for numbers staff type.
- `http`: client address, safe redirects, whole numbers from requests.
- `limits`: upper bounds of the numbers people type and columns hold.
- `numbers`: the trainees' rule for reading written numbers.
- `queue`: sending Celery work after commit, never raising on a lost broker.
- `ratelimit`: sliding-window counters for every limit.
- `search`: the search backend with bounded queries.
- `spreadsheets`: CSV and XLSX reading and writing, formula-safe.
- `staff_scope`: the staff scope of admin screens, one policy and one set
  of views for every app.
- `storage`: the private file storage.
- `uniqueness`: duplicate-row messages a person can read.

Project wiring (settings, URLs, middleware, hooks, Celery) stays in `lms`;
import-linter checks that nothing here imports an app above it."""
