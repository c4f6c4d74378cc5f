"""Learning offline (docs/decisions/0027-offline.md): a trainee saves a
module to the phone, reads and answers without a connection, and the work
comes back through one sync endpoint that applies each piece exactly once
and grades quiz answers here, on the server.

services.py: attempt packages, reading and applying what a phone sends,
the conflict rules. views.py: the package page, the sync endpoint, the
save and saved pages. The service worker and page scripts are
static/js/sw.js and static/js/offline.js."""
